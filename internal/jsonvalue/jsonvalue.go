package jsonvalue

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The strings that stand for the non-finite floats.
const (
	NaN    = "NaN"
	PosInf = "Infinity"
	NegInf = "-Infinity"
)

// Float returns the JSON value of f: a number, or one of the strings NaN, Infinity, -Infinity.
func Float(f float64) any {
	switch {
	case math.IsNaN(f):
		return NaN
	case math.IsInf(f, 1):
		return PosInf
	case math.IsInf(f, -1):
		return NegInf
	}
	return f
}

// ParseFloat returns the float a JSON string stands for, when it is NaN, Infinity or -Infinity
// (also +Infinity, Inf, +Inf and -Inf).
func ParseFloat(s string) (float64, bool) {
	switch s {
	case NaN:
		return math.NaN(), true
	case PosInf, "+Infinity", "Inf", "+Inf":
		return math.Inf(1), true
	case NegInf, "-Inf":
		return math.Inf(-1), true
	}
	return 0, false
}

// Marshal returns the JSON encoding of v, as json.Marshal does, with non-finite floats written
// as strings.
func Marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	var uv *json.UnsupportedValueError
	if err == nil || !errors.As(err, &uv) {
		return b, err
	}
	var e encoder
	if err := e.encode(reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

// MarshalIndent is Marshal with json.MarshalIndent's layout.
func MarshalIndent(v any, prefix, indent string) ([]byte, error) {
	b, err := Marshal(v)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, prefix, indent); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	unmarshalerType   = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

type encoder struct{ buf bytes.Buffer }

func (e *encoder) encode(v reflect.Value) error {
	if !v.IsValid() {
		e.buf.WriteString("null")
		return nil
	}
	t := v.Type()
	if k := v.Kind(); (k == reflect.Float64 || k == reflect.Float32) && !t.Implements(marshalerType) && !t.Implements(textMarshalerType) {
		e.float(v.Float(), t.Bits())
		return nil
	}
	if !v.CanInterface() {
		return fmt.Errorf("json: cannot encode unexported value of type %s", t)
	}
	// What encoding/json can encode, it encodes (Marshaler types included).
	var b []byte
	var err error
	if v.CanAddr() && reflect.PointerTo(t).Implements(marshalerType) {
		b, err = json.Marshal(v.Addr().Interface())
	} else {
		b, err = json.Marshal(v.Interface())
	}
	var uv *json.UnsupportedValueError
	if err == nil {
		e.buf.Write(b)
		return nil
	}
	if !errors.As(err, &uv) || t.Implements(marshalerType) || t.Implements(textMarshalerType) {
		return err
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			e.buf.WriteString("null")
			return nil
		}
		return e.encode(v.Elem())
	case reflect.Map:
		return e.mapValue(v)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			e.buf.WriteString("null")
			return nil
		}
		e.buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			if err := e.encode(v.Index(i)); err != nil {
				return err
			}
		}
		e.buf.WriteByte(']')
		return nil
	case reflect.Struct:
		e.buf.WriteByte('{')
		first := true
		for _, f := range cachedFields(t) {
			fv, ok := fieldValue(v, f.index)
			if !ok || (f.omitEmpty && isEmpty(fv)) {
				continue
			}
			if !first {
				e.buf.WriteByte(',')
			}
			first = false
			e.str(f.name)
			e.buf.WriteByte(':')
			if err := e.encode(fv); err != nil {
				return err
			}
		}
		e.buf.WriteByte('}')
		return nil
	}
	return err
}

func (e *encoder) str(s string) {
	b, _ := json.Marshal(s)
	e.buf.Write(b)
}

// float writes f as encoding/json does, or as a string when it is not finite.
func (e *encoder) float(f float64, bits int) {
	if s, ok := Float(f).(string); ok {
		e.str(s)
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b := strconv.AppendFloat(nil, f, format, -1, bits)
	if format == 'e' { // clean up e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.buf.Write(b)
}

func (e *encoder) mapValue(v reflect.Value) error {
	if v.IsNil() {
		e.buf.WriteString("null")
		return nil
	}
	type kv struct {
		key string
		val reflect.Value
	}
	kvs := make([]kv, 0, v.Len())
	it := v.MapRange()
	for it.Next() {
		k, err := keyString(it.Key())
		if err != nil {
			return err
		}
		kvs = append(kvs, kv{k, it.Value()})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].key < kvs[j].key })
	e.buf.WriteByte('{')
	for i, p := range kvs {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		e.str(p.key)
		e.buf.WriteByte(':')
		if err := e.encode(p.val); err != nil {
			return err
		}
	}
	e.buf.WriteByte('}')
	return nil
}

// keyString resolves a map key as encoding/json does.
func keyString(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := tm.MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
	return "", fmt.Errorf("json: unsupported map key type %s", k.Type())
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// field is a JSON-visible struct field.
type field struct {
	name      string
	index     []int
	omitEmpty bool
	tagged    bool
}

var fieldCache sync.Map // reflect.Type -> []field

func cachedFields(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	f, _ := fieldCache.LoadOrStore(t, typeFields(t))
	return f.([]field)
}

// typeFields lists the fields encoding/json encodes for struct type t: exported fields and
// those promoted from embedded structs, named by their tag; among fields of one name the
// shallowest wins, a tagged one among equals, else the name is dropped.
func typeFields(t reflect.Type) []field {
	type todo struct {
		t     reflect.Type
		index []int
	}
	var all []field
	depth := map[string]int{}
	next := []todo{{t, nil}}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		cur := next
		next = nil
		for _, c := range cur {
			if visited[c.t] {
				continue
			}
			visited[c.t] = true
			for i := 0; i < c.t.NumField(); i++ {
				sf := c.t.Field(i)
				ft := sf.Type
				if sf.Anonymous {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(append([]int(nil), c.index...), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next = append(next, todo{ft, index})
					continue
				}
				f := field{name: name, index: index, tagged: name != ""}
				if f.name == "" {
					f.name = sf.Name
				}
				for _, o := range strings.Split(opts, ",") {
					if o == "omitempty" {
						f.omitEmpty = true
					}
				}
				all = append(all, f)
				if _, ok := depth[f.name]; !ok {
					depth[f.name] = len(index)
				}
			}
		}
	}
	var out []field
	byName := map[string][]field{}
	for _, f := range all {
		if len(f.index) == depth[f.name] {
			byName[f.name] = append(byName[f.name], f)
		}
	}
	for _, f := range all {
		group := byName[f.name]
		if len(group) == 0 || len(f.index) != depth[f.name] {
			continue
		}
		if len(group) == 1 {
			out = append(out, f)
			continue
		}
		var tagged []field
		for _, g := range group {
			if g.tagged {
				tagged = append(tagged, g)
			}
		}
		if len(tagged) == 1 && reflect.DeepEqual(tagged[0].index, f.index) {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].index, out[j].index
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return len(a) < len(b)
	})
	return out
}

// fieldValue follows index from struct v; ok is false through a nil embedded pointer.
func fieldValue(v reflect.Value, index []int) (reflect.Value, bool) {
	for k, i := range index {
		if k > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, true
}

// Unmarshal decodes data into the value v points to, as json.Unmarshal does, reading the
// strings NaN, Infinity and -Infinity into float destinations.
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil || !(bytes.Contains(data, []byte(`"NaN"`)) || bytes.Contains(data, []byte(`Inf`))) {
		return err
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return err
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if derr := dec.Decode(&tree); derr != nil {
		return err
	}
	if aerr := assign(tree, rv.Elem()); aerr != nil {
		return err
	}
	return nil
}

// assign stores the decoded JSON tree into dst (addressable).
func assign(tree any, dst reflect.Value) error {
	raw, err := json.Marshal(tree)
	if err != nil {
		return err
	}
	err = json.Unmarshal(raw, dst.Addr().Interface())
	if err == nil {
		return nil
	}
	t := dst.Type()
	if reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalType) {
		return err
	}
	switch dst.Kind() {
	case reflect.Float32, reflect.Float64:
		if s, ok := tree.(string); ok {
			if f, ok := ParseFloat(s); ok {
				dst.SetFloat(f)
				return nil
			}
		}
	case reflect.Pointer:
		if tree == nil {
			dst.SetZero()
			return nil
		}
		p := reflect.New(t.Elem())
		if err := assign(tree, p.Elem()); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Map:
		m, ok := tree.(map[string]any)
		if !ok {
			break
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for ks, val := range m {
			k := reflect.New(t.Key()).Elem()
			if err := setKey(ks, k); err != nil {
				return err
			}
			e := reflect.New(t.Elem()).Elem()
			if err := assign(val, e); err != nil {
				return err
			}
			out.SetMapIndex(k, e)
		}
		dst.Set(out)
		return nil
	case reflect.Slice, reflect.Array:
		a, ok := tree.([]any)
		if !ok {
			break
		}
		if dst.Kind() == reflect.Slice {
			dst.Set(reflect.MakeSlice(t, len(a), len(a)))
		}
		for i := 0; i < len(a) && i < dst.Len(); i++ {
			if err := assign(a[i], dst.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
		m, ok := tree.(map[string]any)
		if !ok {
			break
		}
		fields := cachedFields(t)
		for key, val := range m {
			f, ok := findField(fields, key)
			if !ok {
				continue
			}
			fv := dst
			for k, i := range f.index {
				if k > 0 && fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						fv.Set(reflect.New(fv.Type().Elem()))
					}
					fv = fv.Elem()
				}
				fv = fv.Field(i)
			}
			if err := assign(val, fv); err != nil {
				return err
			}
		}
		return nil
	case reflect.Interface:
		if t.NumMethod() == 0 {
			dst.Set(reflect.ValueOf(plain(tree)))
			return nil
		}
	}
	return err
}

// setKey sets k (a map key of any type encoding/json allows) from its JSON string.
func setKey(s string, k reflect.Value) error {
	if reflect.PointerTo(k.Type()).Implements(textUnmarshalType) {
		return k.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	switch k.Kind() {
	case reflect.String:
		k.SetString(s)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, k.Type().Bits())
		k.SetInt(n)
		return err
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, err := strconv.ParseUint(s, 10, k.Type().Bits())
		k.SetUint(n)
		return err
	}
	return fmt.Errorf("json: unsupported map key type %s", k.Type())
}

// findField finds the field a JSON key names: exactly, else ignoring case, as encoding/json.
func findField(fields []field, key string) (field, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return field{}, false
}

// plain turns a decoded tree into what json.Unmarshal gives an interface{}: numbers as float64.
func plain(tree any) any {
	switch t := tree.(type) {
	case json.Number:
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, v := range t {
			t[k] = plain(v)
		}
	case []any:
		for i, v := range t {
			t[i] = plain(v)
		}
	}
	return tree
}
