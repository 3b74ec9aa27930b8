/**
 * ECharts with only what the dashboard draws (tree-shaken from echarts/core): bar, line and pie
 * charts, axes, legend, on canvas (the one renderer both H5 and the mini-program have).
 * Lives in the admin subpackage so the main package stays small.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, CanvasRenderer]);

export { echarts };
export type ChartOption = echarts.EChartsCoreOption;
