package api

import (
	"strconv"
	"sync"
	"time"

	"github.com/opscmdb/cmdb/internal/service"
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series caches the counter and histogram of each door, operation and
	// code seen, so that a request does not look its labels up again.
	series sync.Map // seriesKey → *series
}

type seriesKey struct {
	door Door
	op   string
	code int
}

type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
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
	k := seriesKey{door, op, code}
	v, ok := m.series.Load(k)
	if !ok {
		v, _ = m.series.LoadOrStore(k, &series{
			requests: m.requests.WithLabelValues(door.String(), op, strconv.Itoa(code)),
			duration: m.duration.WithLabelValues(door.String(), op),
		})
	}
	ser := v.(*series)
	ser.requests.Inc()
	ser.duration.Observe(time.Since(start).Seconds())
}

// registerAnswerCacheMetrics exposes the answer cache's counters.
func registerAnswerCacheMetrics(reg *prometheus.Registry, c *service.AnswerCache) {
	counter := func(name, help string, v func(service.AnswerCacheStats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(c.Stats())) })
	}
	gauge := func(name, help string, v func(service.AnswerCacheStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return v(c.Stats()) })
	}
	reg.MustRegister(
		counter("cmdb_answer_cache_hits_total", "find_instance_association answers served from the answer cache.",
			func(s service.AnswerCacheStats) uint64 { return s.Hits }),
		counter("cmdb_answer_cache_misses_total", "find_instance_association answers read from the store with the answer cache on.",
			func(s service.AnswerCacheStats) uint64 { return s.Misses }),
		counter("cmdb_answer_cache_stale_total", "Misses that found an entry of an older version (invalidated by a write).",
			func(s service.AnswerCacheStats) uint64 { return s.Stale }),
		counter("cmdb_answer_cache_stores_total", "Answers stored in the answer cache.",
			func(s service.AnswerCacheStats) uint64 { return s.Stores }),
		counter("cmdb_answer_cache_skipped_total", "Answers not stored (too large, capture memory exhausted, or older than the entry present).",
			func(s service.AnswerCacheStats) uint64 { return s.Skipped }),
		counter("cmdb_answer_cache_evictions_total", "Entries evicted from the answer cache for room.",
			func(s service.AnswerCacheStats) uint64 { return s.Evictions }),
		gauge("cmdb_answer_cache_entries", "Entries in the answer cache.",
			func(s service.AnswerCacheStats) float64 { return float64(s.Entries) }),
		gauge("cmdb_answer_cache_bytes", "Bytes held by the answer cache in memory.",
			func(s service.AnswerCacheStats) float64 { return float64(s.Bytes) }),
		gauge("cmdb_answer_cache_max_bytes", "Byte budget of the answer cache.",
			func(s service.AnswerCacheStats) float64 { return float64(s.MaxBytes) }),
		gauge("cmdb_answer_cache_disk_entries", "Entries of the answer cache kept on disk.",
			func(s service.AnswerCacheStats) float64 { return float64(s.DiskEntries) }),
		gauge("cmdb_answer_cache_disk_bytes", "Bytes of the answer cache's files on disk.",
			func(s service.AnswerCacheStats) float64 { return float64(s.DiskBytes) }),
		gauge("cmdb_answer_cache_disk_max_bytes", "Byte budget of the answer cache's disk tier (0: none).",
			func(s service.AnswerCacheStats) float64 { return float64(s.DiskMaxBytes) }),
	)
}
