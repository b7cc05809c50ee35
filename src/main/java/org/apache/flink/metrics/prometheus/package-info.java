/**
 * One class of streamner in Flink's package: {@link
 * org.apache.flink.metrics.prometheus.HostPrometheusReporter}, which needs the package-private
 * registry of Flink's Prometheus reporter. Depends on flink-metrics-prometheus only.
 */
package org.apache.flink.metrics.prometheus;
