// Babel 7 + babel-preset-taro 4.1.11 (see shared notes: Taro does not support Babel 8).
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
};
