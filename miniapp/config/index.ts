import { defineConfig } from '@tarojs/cli';

// @tanstack/query-core ships ES2022 class private fields (`#x`). Taro's H5 terser settings
// (quote_keys) turn them into `#"x"`, a syntax error in the browser, and older mini-program
// JS engines lack private fields altogether. Run it through Babel on both targets.
// shared/ (pure domain code: labels, ID-number checks) is TypeScript outside src/: compile it too.
const transpileDeps = [/[\\/]node_modules[\\/]@tanstack[\\/]/, /[\\/]shared[\\/]src[\\/]/];

// designWidth 375: a `font-size: 18px` in scss becomes 36rpx on weapp (= 18px on a 375pt
// wide phone). On H5 pxtransform is off, so px stays real CSS px at any viewport width.
// Together the 适老化 minimums (text ≥ 18px, touch targets ≥ 48px) hold on both targets.
export default defineConfig<'webpack5'>(() => ({
  projectName: 'yiyangtong',
  date: '2026-11-23',
  designWidth: 375,
  deviceRatio: { 375: 2, 640: 2.34 / 2, 750: 1, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: process.env.TARO_ENV === 'h5' ? 'dist-h5' : 'dist',
  plugins: [],
  defineConstants: {},
  copy: { patterns: [], options: {} },
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: false },
  mini: {
    compile: { include: transpileDeps },
    postcss: {
      pxtransform: { enable: true, config: {} },
      cssModules: {
        enable: false,
        config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
      },
    },
  },
  h5: {
    publicPath: '/',
    staticDirectory: 'static',
    router: { mode: 'hash' },
    compile: { include: transpileDeps },
    output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
    miniCssExtractPluginOption: {
      ignoreOrder: true,
      filename: 'css/[name].[hash].css',
      chunkFilename: 'css/[name].[chunkhash].css',
    },
    postcss: {
      pxtransform: { enable: false, config: {} },
      autoprefixer: { enable: true, config: {} },
      cssModules: {
        enable: false,
        config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
      },
    },
  },
}));
