/*
 * gongkai's oversight charts: Apache ECharts bar charts drawn from data the page carries.
 *
 * Every element with `data-chart` is drawn when the page has loaded. Its value is JSON:
 *
 *   categories   the labels along the axis (departments)
 *   series       [{name, data: [number or null]}], one bar per category each
 *   stacked      true to stack the series (returns by reason), else side by side
 *   percent      true when the values are percentages (0-100)
 *
 * Every word comes translated from the server; the numbers are also in the page's table,
 * so the chart is never the only way to read them. The canvas renderer and the rich-text
 * tooltip draw without inline style attributes, which the Content-Security-Policy forbids;
 * there is no animation, so a chart is drawn at once (and for those who ask for less motion).
 */

import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The series colours: calm, told apart also in grey (dark, middle, light, striped by order). */
const PALETTE = ['#1f5f99', '#c2410c', '#3f7d3a', '#7c3aed', '#a16207', '#0f766e'];

function chartData(element) {
  try {
    const data = JSON.parse(element.getAttribute('data-chart') || '{}');
    return data && Array.isArray(data.categories) && Array.isArray(data.series) ? data : null;
  } catch (error) {
    return null;
  }
}

/** The height of a legend line, in pixels. */
const LEGEND_LINE = 22;

/**
 * Return the ECharts option of a chart's data. The names of a stacked chart's series are
 * long (the reasons of returns): they are listed one a line below the bars.
 */
export function optionFor(data) {
  const unit = data.percent ? '%' : '';
  const lines = data.stacked ? data.series.length : 1;
  return {
    animation: false,
    color: PALETTE,
    aria: { enabled: true, decal: { show: true } },
    tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: (v) => (v == null ? '—' : `${v}${unit}`) },
    legend: { bottom: 0, orient: data.stacked ? 'vertical' : 'horizontal', itemGap: 6 },
    grid: { left: 8, right: 16, top: 24, bottom: 16 + lines * LEGEND_LINE, containLabel: true },
    xAxis: { type: 'category', data: data.categories, axisLabel: { interval: 0, hideOverlap: true } },
    yAxis: {
      type: 'value',
      minInterval: 1,
      max: data.percent ? 100 : null,
      axisLabel: { formatter: `{value}${unit}` },
    },
    series: data.series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: s.data,
      stack: data.stacked ? 'total' : undefined,
      barMaxWidth: 48,
      label: {
        show: !data.stacked,
        position: 'top',
        formatter: (p) => (p.value == null ? '' : `${p.value}${unit}`),
      },
    })),
  };
}

function draw(element) {
  const data = chartData(element);
  const canvas = element.querySelector('[data-chart-canvas]') || element;
  if (!data) {
    element.setAttribute('data-chart-failed', '');
    return null;
  }
  if (data.stacked) {
    // room for one legend line per series, besides the bars (CSSOM: allowed by the CSP)
    canvas.style.height = `${18 + (data.series.length * LEGEND_LINE) / 16}rem`;
  }
  const english = (document.documentElement.lang || '').startsWith('en');
  const chart = echarts.init(canvas, null, { renderer: 'canvas', locale: english ? 'EN' : 'ZH' });
  chart.setOption(optionFor(data));
  element.setAttribute('data-chart-ready', '');
  return chart;
}

function drawAll() {
  const charts = [...document.querySelectorAll('[data-chart]')].map(draw).filter(Boolean);
  let pending = null;
  window.addEventListener('resize', () => {
    clearTimeout(pending);
    pending = setTimeout(() => charts.forEach((chart) => chart.resize()), 100);
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', drawAll);
} else {
  drawAll();
}
