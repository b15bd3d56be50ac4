// Package chart turns chart specs (a block's `charts:` in pipeline.yaml) into
// echarts options.
//
// Every chart is aggregated here, in compiled Go, over the full output frame
// of a block: a histogram ships its bins, a time series its buckets, a bar
// chart its groups, a scatter plot a bounded sample. Raw rows never leave the
// server. The options are built with go-echarts and returned as the map that
// chart.JSON() gives, ready for json.Marshal and echarts' setOption.
package chart
