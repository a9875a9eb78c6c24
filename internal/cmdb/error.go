package cmdb

import (
	"errors"
	"fmt"
)

// Lang selects one of bk-cmdb's two message tables.
type Lang int

const (
	// LangZH is bk-cmdb's default table (Chinese); every language header value
	// other than "en" selects it.
	LangZH Lang = iota
	// LangEN is the English table.
	LangEN
)

// ParseLang maps a language header value to a table: "en" is English,
// anything else (absent included) is the default Chinese table.
func ParseLang(v string) Lang {
	if v == "en" {
		return LangEN
	}
	return LangZH
}

// Error is the one error type of the domain: a bk-cmdb code plus what its
// message is made from. The message is rendered per request language by
// Message, exactly as bk-cmdb renders it (Go fmt quirks included), so that
// the same error answers byte-identically in both tables.
type Error struct {
	Code int
	// Args are formatted into the code's template with fmt.Sprintf. With no
	// Args the template is used verbatim (a literal %s stays). An *Error in
	// Args is rendered in the same language first (bk-cmdb's wrapping).
	Args []any
	// Text, when HasText, is the whole message regardless of language
	// (bk-cmdb's New(code, text)).
	Text    string
	HasText bool
	// TextOf, when non-zero, makes the message the verbatim template of
	// another code in the request language (e.g. 1199006 carrying the
	// 1199000 text).
	TextOf int
	// Wrap, when set, makes the message Text followed by Wrap's message in
	// the same language (bk-cmdb's "bk_obj_name " + inner error).
	Wrap *Error
	// Err is an underlying cause kept for logs; it never reaches the wire.
	Err error
}

// Errorf makes an error whose message is the code's template formatted with
// args (verbatim when there are none).
func Errorf(code int, args ...any) *Error {
	return &Error{Code: code, Args: args}
}

// ErrText makes an error whose message is text in every language.
func ErrText(code int, text string) *Error {
	return &Error{Code: code, Text: text, HasText: true}
}

// Internal wraps an unexpected failure (database, I/O). Its cause is logged;
// the wire sees only a generic message.
func Internal(err error) *Error {
	return &Error{Code: CodeUnknownOrUnrecognizedError, Err: err}
}

func (e *Error) Error() string {
	msg := e.Message(LangEN)
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Code, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Message renders the error in the given language.
func (e *Error) Message(lang Lang) string {
	if e.Wrap != nil {
		return e.Text + e.Wrap.Message(lang)
	}
	if e.HasText {
		return e.Text
	}
	code := e.Code
	if e.TextOf != 0 {
		code = e.TextOf
	}
	tmpl, ok := Template(code, lang)
	if !ok {
		return fmt.Sprintf("the error code is '%d', unknown meaning", e.Code)
	}
	if len(e.Args) == 0 {
		return tmpl
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if inner, ok := a.(*Error); ok {
			args[i] = inner.Message(lang)
		} else {
			args[i] = a
		}
	}
	return fmt.Sprintf(tmpl, args...)
}

// Template returns the message template of code in lang.
func Template(code int, lang Lang) (string, bool) {
	var t string
	var ok bool
	if lang == LangEN {
		t, ok = messagesEN[code]
	} else {
		t, ok = messagesZH[code]
	}
	return t, ok
}

// AsError returns err as an *Error: a domain error as it is, anything else
// as an internal error carrying it.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Convenience constructors for the most common shapes.

// ErrUnassigned is 1199010 '<field>' unassigned.
func ErrUnassigned(field string) *Error { return Errorf(CodeParamsNeedSet, field) }

// ErrInvalid is 1199011 '<field>' the parameter is invalid or does not exist.
func ErrInvalid(field any) *Error { return Errorf(CodeParamsIsInvalid, field) }

// ErrParamsInvalid is 1199006 '<field>' data parameter verification does not pass.
func ErrParamsInvalid(field string) *Error { return Errorf(CodeParamsInvalid, field) }

// ErrDecode is 1199000 Deserializing JSON data failed.
func ErrDecode() *Error { return Errorf(CodeJSONUnmarshalFailed) }

// ErrDecode1199006 is the 1199006 reply some association endpoints give to a
// body that does not decode: the 1199000 text under code 1199006.
func ErrDecode1199006() *Error {
	return &Error{Code: CodeParamsInvalid, TextOf: CodeJSONUnmarshalFailed}
}
