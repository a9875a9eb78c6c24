package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Door is one of cmdb's three front doors; each wraps the same answer in its
// own envelope.
type Door int

const (
	// DoorGateway is /api/v3 with X-Bkapi-Authorization: result, code,
	// message, permission, data.
	DoorGateway Door = iota
	// DoorESB is /api/c/compapi/v2/cc/NAME/: result, code, message,
	// permission, request_id, data.
	DoorESB
	// DoorNative is the trusted-backend door: result, bk_error_code,
	// bk_error_msg, permission, data.
	DoorNative
)

func (d Door) String() string {
	switch d {
	case DoorESB:
		return "esb"
	case DoorNative:
		return "native"
	}
	return "gateway"
}

// Streamer is answer data written straight to the response (large answers
// are encoded row by row as they are read, never held whole in memory).
//
// The writer Stream gets also offers two optional shortcuts. A streamer that
// knows the length of its data before writing it may tell it through
// SetDataLength(n int64): the reply then has a Content-Length instead of
// chunked encoding. A streamer may write the envelope's tail itself, right
// after its data and in the same Write (EnvelopeTail() string returns it),
// and then call TailWritten(): the reply then does not end with a write of
// one byte of its own. The bytes of the reply are the same either way. The
// writer is also an io.ReaderFrom: data read from a file that way is sent
// with sendfile(2) (lazyWriter.ReadFrom).
type Streamer interface {
	Stream(w io.Writer) error
}

// envelopeTail follows the data of every envelope.
const envelopeTail = "}"

// Reply is one answer in the door-independent form.
type Reply struct {
	Door   Door
	Status int
	Code   int
	Msg    string
	Data   any
	// NoData drops the data key (9900403 replies).
	NoData bool
	// ESBRequestID is the ESB body's request_id.
	ESBRequestID string
}

// Encode marshals v as JSON without HTML escaping (bk-cmdb writes <, > and &
// as they are) and without a trailing newline.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func quote(s string) []byte {
	b, _ := Encode(s)
	return b
}

// WriteReply writes the envelope of r. Errors in streaming data after the
// head is sent cannot change the envelope any more: they are returned so the
// caller can log them, and the connection is cut short.
func WriteReply(w http.ResponseWriter, r Reply) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	var head bytes.Buffer
	head.WriteString(`{"result":`)
	head.WriteString(strconv.FormatBool(r.Code == 0))
	switch r.Door {
	case DoorNative:
		head.WriteString(`,"bk_error_code":`)
		head.WriteString(strconv.Itoa(r.Code))
		head.WriteString(`,"bk_error_msg":`)
		head.Write(quote(r.Msg))
	default:
		head.WriteString(`,"code":`)
		head.WriteString(strconv.Itoa(r.Code))
		head.WriteString(`,"message":`)
		head.Write(quote(r.Msg))
	}
	head.WriteString(`,"permission":null`)
	if r.Door == DoorESB {
		head.WriteString(`,"request_id":`)
		head.Write(quote(r.ESBRequestID))
	}
	if r.NoData {
		head.WriteString(`}`)
		w.WriteHeader(status)
		_, err := w.Write(head.Bytes())
		return err
	}
	head.WriteString(`,"data":`)
	if s, ok := r.Data.(Streamer); ok {
		lw := &lazyWriter{w: w, status: status, head: head.Bytes()}
		if err := s.Stream(lw); err != nil {
			if !lw.started {
				return &notStartedError{err}
			}
			return &brokenError{err}
		}
		if !lw.started {
			if _, err := lw.Write(nil); err != nil {
				return &brokenError{err}
			}
		}
		if !lw.tailWritten {
			if _, err := w.Write([]byte(envelopeTail)); err != nil {
				return &brokenError{err}
			}
		}
		return nil
	}
	data, err := Encode(r.Data)
	if err != nil {
		// Nothing is written yet: the caller can still answer an error.
		return &notStartedError{err}
	}
	head.Write(data)
	head.WriteString(`}`)
	w.WriteHeader(status)
	_, err = w.Write(head.Bytes())
	return err
}

// ErrorReply is the reply of err in lang.
func ErrorReply(door Door, err *cmdb.Error, lang cmdb.Lang) Reply {
	return Reply{Door: door, Code: err.Code, Msg: err.Message(lang), Data: nil}
}

// WriteESBError writes an error the ESB itself makes (no permission key).
func WriteESBError(w http.ResponseWriter, status, code int, msg, esbRID string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	var b bytes.Buffer
	b.WriteString(`{"result":false,"code":`)
	b.WriteString(strconv.Itoa(code))
	b.WriteString(`,"data":null,"message":`)
	b.Write(quote(msg))
	b.WriteString(`,"request_id":`)
	b.Write(quote(esbRID))
	b.WriteString(`}`)
	w.Write(b.Bytes())
}

// writeGatewayError writes an error the API gateway itself makes.
func writeGatewayError(w http.ResponseWriter, status, code int, codeName, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Bkapi-Error-Code", strconv.Itoa(code))
	h.Set("X-Bkapi-Error-Message", msg)
	w.WriteHeader(status)
	var b bytes.Buffer
	b.WriteString(`{"code":`)
	b.WriteString(strconv.Itoa(code))
	b.WriteString(`,"code_name":`)
	b.Write(quote(codeName))
	b.WriteString(`,"message":`)
	b.Write(quote(msg))
	b.WriteString(`,"result":false,"data":null}`)
	w.Write(b.Bytes())
}

// lazyWriter sends the status and the envelope head with the first bytes of
// streamed data, so that a failure before any data can still be answered
// with an error envelope.
type lazyWriter struct {
	w       http.ResponseWriter
	status  int
	head    []byte
	started bool
	// tailWritten: the streamer wrote the envelope's tail.
	tailWritten bool
}

// SetDataLength announces, before the first byte, how many bytes of data
// the stream will write: the reply then has a Content-Length (head, data
// and tail) instead of chunked encoding.
func (l *lazyWriter) SetDataLength(n int64) {
	if !l.started {
		l.w.Header().Set("Content-Length", strconv.FormatInt(int64(len(l.head))+n+int64(len(envelopeTail)), 10))
	}
}

// EnvelopeTail is what must follow the streamed data.
func (l *lazyWriter) EnvelopeTail() string { return envelopeTail }

// TailWritten records that the streamer wrote the tail after its data.
func (l *lazyWriter) TailWritten() { l.tailWritten = true }

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.w.WriteHeader(l.status)
		if _, err := l.w.Write(l.head); err != nil {
			return 0, err
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	return l.w.Write(p)
}

// ReadFrom writes the head, then the data read from r through the
// ResponseWriter's own ReadFrom: net/http sends an *os.File, or an
// *io.LimitedReader of one, with sendfile(2) when the reply has a
// Content-Length (SetDataLength), and copies anything else.
func (l *lazyWriter) ReadFrom(r io.Reader) (int64, error) {
	if _, err := l.Write(nil); err != nil {
		return 0, err
	}
	if rf, ok := l.w.(io.ReaderFrom); ok {
		// With the header out, net/http does not first copy 512 bytes of
		// r itself (for sniffing a Content-Type this reply has): the
		// header and head go in one write, as they would with those
		// bytes, and the whole of r in sendfile.
		if f, ok := l.w.(http.Flusher); ok {
			f.Flush()
		}
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{l.w}, r)
}

// writerOnly hides every method of a writer but Write.
type writerOnly struct{ io.Writer }

// notStartedError is a failure before anything was sent.
type notStartedError struct{ err error }

func (e *notStartedError) Error() string { return e.err.Error() }
func (e *notStartedError) Unwrap() error { return e.err }

// brokenError is a streaming failure after the status and part of the body
// were sent: the answer can only be cut short.
type brokenError struct{ err error }

func (e *brokenError) Error() string { return e.err.Error() }
func (e *brokenError) Unwrap() error { return e.err }
