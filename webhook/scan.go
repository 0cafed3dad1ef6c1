package webhook

import "encoding/json"

// The payload is read in one validating pass over the raw bytes (this
// file) that finds the envelope members and the member names of data,
// then one json.Unmarshal of data into the generated type. Decoding the
// envelope with encoding/json first (data as json.RawMessage) would scan
// the body two more times and cost ~1.6x a plain decode; see BENCHMARKS.md.

// maxDepth is encoding/json's nesting limit, so that both accept the
// same documents.
const maxDepth = 10000

// span is the byte range [start, end) of a JSON text in the body.
type span struct{ start, end int }

// member is one name/value pair of an object.
type member struct {
	name    span // between the quotes
	escaped bool // the name contains backslash escapes
	value   span
}

// scanner validates JSON (RFC 8259, as encoding/json accepts it) and
// reports object members to callbacks.
type scanner struct {
	b     []byte
	i     int
	depth int
}

func (s *scanner) fail(reason string) error {
	return &ParseError{Reason: reason, Offset: int64(s.i)}
}

func (s *scanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// value scans one JSON value starting at s.i (no leading space).
func (s *scanner) value() error {
	switch c := s.peek(); {
	case c == '{':
		return s.object(nil)
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.str()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case s.i >= len(s.b):
		return s.fail("unexpected end of JSON")
	}
	return s.fail("invalid character")
}

// object scans the object at s.i. For each member it calls onMember with
// s.i at the start of the value (m.value.start); onMember must scan the
// value. A nil onMember scans every value with s.value.
func (s *scanner) object(onMember func(m member) error) error {
	if s.depth++; s.depth > maxDepth {
		return s.fail("nested too deeply")
	}
	s.i++ // '{'
	s.skipSpace()
	if s.peek() == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if s.peek() != '"' {
			return s.fail("expected a member name")
		}
		start := s.i + 1
		escaped, err := s.str()
		if err != nil {
			return err
		}
		m := member{name: span{start, s.i - 1}, escaped: escaped}
		s.skipSpace()
		if s.peek() != ':' {
			return s.fail("expected ':' after a member name")
		}
		s.i++
		s.skipSpace()
		m.value.start = s.i
		if onMember == nil {
			err = s.value()
		} else {
			err = onMember(m)
		}
		if err != nil {
			return err
		}
		s.skipSpace()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return nil
		default:
			return s.fail("expected ',' or '}' in an object")
		}
	}
}

func (s *scanner) array() error {
	if s.depth++; s.depth > maxDepth {
		return s.fail("nested too deeply")
	}
	s.i++ // '['
	s.skipSpace()
	if s.peek() == ']' {
		s.i++
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if err := s.value(); err != nil {
			return err
		}
		s.skipSpace()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return nil
		default:
			return s.fail("expected ',' or ']' in an array")
		}
	}
}

// str scans a string at s.i and reports whether it has escapes.
func (s *scanner) str() (escaped bool, err error) {
	s.i++ // '"'
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return false, err
			}
		case c < 0x20:
			return false, s.fail("control character in a string")
		default:
			s.i++
		}
	}
	return false, s.fail("unexpected end of JSON in a string")
}

// escape scans one backslash escape at s.i.
func (s *scanner) escape() error {
	s.i++ // '\\'
	switch s.peek() {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i++
		return nil
	case 'u':
		s.i++
		for range 4 {
			if !isHex(s.peek()) {
				return s.fail("invalid \\u escape in a string")
			}
			s.i++
		}
		return nil
	}
	return s.fail("invalid escape in a string")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return s.fail("invalid number")
	}
	if s.peek() == '.' {
		s.i++
		if !isDigit(s.peek()) {
			return s.fail("invalid number")
		}
		s.digits()
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !isDigit(s.peek()) {
			return s.fail("invalid number")
		}
		s.digits()
	}
	return nil
}

func (s *scanner) digits() {
	for isDigit(s.peek()) {
		s.i++
	}
}

func (s *scanner) literal(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.fail("invalid literal")
	}
	s.i += len(word)
	return nil
}

// end checks that only white space follows the top-level value.
func (s *scanner) end() error {
	s.skipSpace()
	if s.i != len(s.b) {
		return s.fail("data after the top-level JSON value")
	}
	return nil
}

// validJSON reports whether b is one JSON text; it is the scanner as a
// whole, for tests against json.Valid.
func validJSON(b []byte) bool {
	s := scanner{b: b}
	s.skipSpace()
	return s.value() == nil && s.end() == nil
}

// memberName returns the unescaped name of m.
func memberName(b []byte, m member) string {
	if !m.escaped {
		return string(b[m.name.start:m.name.end])
	}
	var name string
	// The scanner validated the string, so this cannot fail.
	_ = json.Unmarshal(b[m.name.start-1:m.name.end+1], &name)
	return name
}

// rawEnvelope is where the envelope members of a payload are.
type rawEnvelope struct {
	typ, timestamp, apiVersion, data span
	has                              [4]bool // type, timestamp, api_version, data
	dataMembers                      []member
}

// Indexes into rawEnvelope.has.
const (
	hasType = iota
	hasTimestamp
	hasAPIVersion
	hasData
)

// envelopeMembers are the names scanEnvelope looks for, in has order.
var envelopeMembers = [...]string{"type", "timestamp", "api_version", "data"}

// scanEnvelope validates body as JSON and locates the envelope members. A
// repeated envelope member is refused: decoders disagree on which one
// counts, and a payload with two types must not be guessed at.
func scanEnvelope(body []byte) (*rawEnvelope, error) {
	env := &rawEnvelope{}
	s := scanner{b: body}
	s.skipSpace()
	if s.peek() != '{' {
		if s.i >= len(body) {
			return nil, &ParseError{Reason: "the body is empty", Offset: -1}
		}
		if err := s.value(); err != nil {
			return nil, err
		}
		return nil, &ParseError{Reason: "the body is not a JSON object", Offset: -1}
	}
	err := s.object(func(m member) error {
		which := envelopeIndex(body, m)
		if which < 0 {
			return s.value()
		}
		if env.has[which] {
			return &ParseError{Field: envelopeMembers[which], Reason: "member appears more than once", Offset: int64(m.name.start - 1)}
		}
		env.has[which] = true
		var err error
		if which == hasData && s.peek() == '{' {
			env.dataMembers = make([]member, 0, 64)
			err = s.object(func(dm member) error {
				err := s.value()
				dm.value.end = s.i
				env.dataMembers = append(env.dataMembers, dm)
				return err
			})
		} else {
			err = s.value()
		}
		v := span{m.value.start, s.i}
		switch which {
		case hasType:
			env.typ = v
		case hasTimestamp:
			env.timestamp = v
		case hasAPIVersion:
			env.apiVersion = v
		case hasData:
			env.data = v
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return env, nil
}

// envelopeIndex returns the has index of an envelope member, or -1.
func envelopeIndex(body []byte, m member) int {
	name := body[m.name.start:m.name.end]
	if m.escaped {
		name = []byte(memberName(body, m))
	}
	switch string(name) {
	case "type":
		return hasType
	case "timestamp":
		return hasTimestamp
	case "api_version":
		return hasAPIVersion
	case "data":
		return hasData
	}
	return -1
}
