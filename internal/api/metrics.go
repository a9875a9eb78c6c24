package api

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cmdb_http_requests_total",
			Help: "API requests by door, operation and bk-cmdb result code.",
		}, []string{"door", "op", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cmdb_http_request_duration_seconds",
			Help:    "API request duration by door and operation.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"door", "op"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) observe(door Door, op string, code int, start time.Time) {
	m.requests.WithLabelValues(door.String(), op, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(door.String(), op).Observe(time.Since(start).Seconds())
}
