/**
 * One ECharts chart. H5: drawn into the page's own element. WeChat: a type="2d" <Canvas>
 * whose node ECharts draws on (the ec-canvas approach: ECharts accepts a canvas-like object
 * and measures text with the canvas's own context). The picture is decorative for screen
 * readers: `summary` (the numbers in words) is what they read, and a sighted reader gets
 * the same numbers printed under the chart by the page.
 */
import { useEffect, useRef } from 'react';
import Taro from '@tarojs/taro';
import { Canvas, View } from '@tarojs/components';
import { echarts, type ChartOption } from './echarts';

let seq = 0;

export function Chart({
  option,
  summary,
  height = 280,
}: {
  option: ChartOption;
  summary: string;
  height?: number;
}) {
  const id = useRef(`chart-${++seq}`).current;
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);

  useEffect(() => {
    let disposed = false;
    let onResize: (() => void) | null = null;
    if (process.env.TARO_ENV === 'h5') {
      const el = document.getElementById(id);
      if (el) {
        chart.current = echarts.init(el, undefined, { renderer: 'canvas' });
        onResize = () => chart.current?.resize();
        window.addEventListener('resize', onResize);
      }
    } else {
      // The native canvas exists once this render has reached the view layer.
      Taro.nextTick(() =>
        Taro.createSelectorQuery()
          .select(`#${id}`)
          .fields({ node: true, size: true })
          .exec((res) => {
            const found = res?.[0] as { node?: any; width: number; height: number } | undefined;
            if (disposed || !found?.node) return;
            const canvas = found.node;
            const ctx = canvas.getContext('2d');
            const dpr = Taro.getSystemInfoSync().pixelRatio;
            canvas.width = found.width * dpr;
            canvas.height = found.height * dpr;
            echarts.setPlatformAPI({
              createCanvas: () => canvas,
              measureText: (text: string, font?: string) => {
                ctx.font = font || '12px sans-serif';
                return ctx.measureText(text);
              },
            });
            chart.current = echarts.init(canvas, undefined, {
              width: found.width,
              height: found.height,
              devicePixelRatio: dpr,
            });
            chart.current.setOption(option, true);
          }),
      );
    }
    return () => {
      disposed = true;
      if (onResize) window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
    // The chart is made once per element; option changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  const style = { width: '100%', height: `${height}px` };
  return (
    <View className="chart" {...{ role: 'img', 'aria-label': summary }}>
      {process.env.TARO_ENV === 'h5' ? (
        <View id={id} className="chart__canvas" style={style} {...{ 'aria-hidden': 'true' }} />
      ) : (
        <Canvas type="2d" id={id} canvasId={id} className="chart__canvas" style={style} />
      )}
    </View>
  );
}
