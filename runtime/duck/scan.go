//go:build cgo

package duck

/*
#include <stdlib.h>
typedef void (*golem_cb1)(void*);
typedef void (*golem_cb2)(void*, void*);
extern void golemScanBind(void*);
extern void golemScanInit(void*);
extern void golemScanFill(void*, void*);
extern void golemScanDone(void*);
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	bindings "github.com/duckdb/duckdb-go-bindings"

	"github.com/golemlabs/golem/blocks/frame"
)

// Frames reach DuckDB through one table function, golem_frame(id), that copies a frame's
// columns straight into DuckDB's vectors, 2,048 rows at a time: numbers, timestamps and bools
// with one copy per vector, short strings written in place. DuckDB pushes the columns a query
// needs into the scan (others are never touched) and applies every filter itself; each scan
// starts at row 0, so a frame can be read any number of times in one statement. Rows come out
// in the frame's order (one thread per scan).

// scanFrames holds the frames the table function can read, by id.
var (
	scanFrames sync.Map // int64 -> *scanFrame
	scanNextID atomic.Int64
)

// scanFrame is a frame as the table function reads it: each column's values and nulls, taken
// from the frame once (a float column with nulls hands out a copy per call of Floats).
type scanFrame struct {
	rows int
	cols []scanColumn
}

type scanColumn struct {
	name  string
	typ   frame.Type
	ints  []int64
	flts  []float64
	strs  []string
	bools []bool
	valid []bool // nil: no nulls
}

// addScanFrame makes f readable as golem_frame(id).
func addScanFrame(f *frame.Frame) int64 {
	sf := &scanFrame{rows: f.NumRows(), cols: make([]scanColumn, f.NumCols())}
	for i := range f.NumCols() {
		s := f.ColAt(i)
		c := scanColumn{name: s.Name(), typ: s.Type(), valid: s.Valid()}
		switch c.typ {
		case frame.Int64, frame.Timestamp, frame.Duration:
			c.ints = s.Ints()
		case frame.Float64:
			c.flts = s.Floats()
		case frame.String:
			c.strs = s.Strings()
		case frame.Bool:
			c.bools = s.Bools()
		}
		sf.cols[i] = c
	}
	id := scanNextID.Add(1)
	scanFrames.Store(id, sf)
	return id
}

func dropScanFrame(id int64) { scanFrames.Delete(id) }

// registerScan adds golem_frame to conn's database.
func registerScan(conn bindings.Connection) error {
	tf := bindings.CreateTableFunction()
	defer bindings.DestroyTableFunction(&tf)
	bindings.TableFunctionSetName(tf, "golem_frame")
	lt := bindings.CreateLogicalType(bindings.TypeBigInt)
	bindings.TableFunctionAddParameter(tf, lt)
	bindings.DestroyLogicalType(&lt)
	bindings.TableFunctionSetBind(tf, unsafe.Pointer(C.golem_cb1(C.golemScanBind)))
	bindings.TableFunctionSetInit(tf, unsafe.Pointer(C.golem_cb1(C.golemScanInit)))
	bindings.TableFunctionSetFunction(tf, unsafe.Pointer(C.golem_cb2(C.golemScanFill)))
	bindings.TableFunctionSupportsProjectionPushdown(tf, true)
	if bindings.RegisterTableFunction(conn, tf) == bindings.StateError {
		return fmt.Errorf("register golem_frame")
	}
	return nil
}

// sqlType is the DuckDB type a frame column of type t becomes.
func sqlType(t frame.Type) (bindings.Type, bool) {
	switch t {
	case frame.Int64:
		return bindings.TypeBigInt, true
	case frame.Float64:
		return bindings.TypeDouble, true
	case frame.String:
		return bindings.TypeVarchar, true
	case frame.Bool:
		return bindings.TypeBoolean, true
	case frame.Timestamp:
		return bindings.TypeTimestamp, true
	case frame.Duration:
		return bindings.TypeInterval, true
	}
	return bindings.TypeInvalid, false
}

// scanFrameOf returns the frame a bind or init data pointer (a malloc'd int64 id) names.
func scanFrameOf(p unsafe.Pointer) (*scanFrame, bool) {
	if p == nil {
		return nil, false
	}
	f, ok := scanFrames.Load(*(*int64)(p))
	if !ok {
		return nil, false
	}
	return f.(*scanFrame), true
}

//export golemScanBind
func golemScanBind(p unsafe.Pointer) {
	info := bindings.BindInfo{Ptr: p}
	v := bindings.BindGetParameter(info, 0)
	id := bindings.GetInt64(v)
	bindings.DestroyValue(&v)
	f, ok := scanFrames.Load(id)
	if !ok {
		bindings.BindSetError(info, fmt.Sprintf("golem_frame(%d): no such frame (it belongs to a finished block)", id))
		return
	}
	sf := f.(*scanFrame)
	for _, c := range sf.cols {
		t, ok := sqlType(c.typ)
		if !ok {
			bindings.BindSetError(info, fmt.Sprintf("column %q: type %s has no SQL type", c.name, c.typ))
			return
		}
		lt := bindings.CreateLogicalType(t)
		bindings.BindAddResultColumn(info, c.name, lt)
		bindings.DestroyLogicalType(&lt)
	}
	bindings.BindSetCardinality(info, bindings.IdxT(sf.rows), true)
	data := C.malloc(8)
	*(*int64)(data) = id
	bindings.BindSetBindData(info, data, unsafe.Pointer(C.golem_cb1(C.free)))
}

// scan is one pass over a frame: the frame's columns DuckDB asked for and the next row.
type scan struct {
	f    *scanFrame
	cols []int // frame column of each output vector; -1 = the row number
	pos  int
}

//export golemScanInit
func golemScanInit(p unsafe.Pointer) {
	info := bindings.InitInfo{Ptr: p}
	f, ok := scanFrameOf(bindings.InitGetBindData(info))
	if !ok {
		bindings.InitSetError(info, "golem_frame: the frame is gone")
		return
	}
	s := &scan{f: f}
	for i := range bindings.InitGetColumnCount(info) {
		c := int(bindings.InitGetColumnIndex(info, i))
		if c >= len(f.cols) {
			c = -1
		}
		s.cols = append(s.cols, c)
	}
	bindings.InitSetMaxThreads(info, 1)
	h := C.malloc(C.size_t(unsafe.Sizeof(uintptr(0))))
	*(*uintptr)(h) = uintptr(cgo.NewHandle(s))
	bindings.InitSetInitData(info, h, unsafe.Pointer(C.golem_cb1(C.golemScanDone)))
}

//export golemScanDone
func golemScanDone(h unsafe.Pointer) {
	cgo.Handle(*(*uintptr)(h)).Delete()
	C.free(h)
}

//export golemScanFill
func golemScanFill(p, out unsafe.Pointer) {
	info := bindings.FunctionInfo{Ptr: p}
	s := cgo.Handle(*(*uintptr)(bindings.FunctionGetInitData(info))).Value().(*scan)
	chunk := bindings.DataChunk{Ptr: out}
	n := min(int(bindings.VectorSize()), s.f.rows-s.pos)
	if n <= 0 {
		bindings.DataChunkSetSize(chunk, 0)
		return
	}
	for j, c := range s.cols {
		vec := bindings.DataChunkGetVector(chunk, bindings.IdxT(j))
		if err := fillVector(vec, s.f, c, s.pos, n); err != nil {
			bindings.FunctionSetError(info, err.Error())
			return
		}
	}
	bindings.DataChunkSetSize(chunk, bindings.IdxT(n))
	s.pos += n
}

// fillVector writes rows [from, from+n) of column c of f into vec.
func fillVector(vec bindings.Vector, f *scanFrame, c, from, n int) error {
	data := bindings.VectorGetData(vec)
	if c < 0 {
		rows := unsafe.Slice((*int64)(data), n)
		for i := range rows {
			rows[i] = int64(from + i)
		}
		return nil
	}
	s := &f.cols[c]
	switch s.typ {
	case frame.Int64, frame.Timestamp:
		copy(unsafe.Slice((*int64)(data), n), s.ints[from:from+n])
	case frame.Float64:
		copy(unsafe.Slice((*float64)(data), n), s.flts[from:from+n])
	case frame.Bool:
		copy(unsafe.Slice((*bool)(data), n), s.bools[from:from+n])
	case frame.Duration:
		// DuckDB's INTERVAL: int32 months, int32 days, int64 microseconds.
		iv := unsafe.Slice((*[16]byte)(data), n)
		for i, v := range s.ints[from : from+n] {
			iv[i] = [16]byte{}
			binary.LittleEndian.PutUint64(iv[i][8:], uint64(v))
		}
	case frame.String:
		// DuckDB's string_t: uint32 length, then up to 12 bytes inline (zero padded), or a
		// prefix and a pointer, which DuckDB's own assignment makes in the vector's heap.
		st := unsafe.Slice((*[16]byte)(data), n)
		for i, v := range s.strs[from : from+n] {
			if !utf8.ValidString(v) {
				return fmt.Errorf("column %q row %d: text is not valid UTF-8, which SQL text must be", s.name, from+i)
			}
			if len(v) <= 12 {
				st[i] = [16]byte{}
				binary.LittleEndian.PutUint32(st[i][:4], uint32(len(v)))
				copy(st[i][4:], v)
				continue
			}
			bindings.VectorAssignStringElement(vec, bindings.IdxT(i), v)
		}
	}
	if valid := s.valid; valid != nil {
		bindings.VectorEnsureValidityWritable(vec)
		mask := unsafe.Slice((*uint64)(bindings.VectorGetValidity(vec)), (n+63)/64)
		for w := range mask {
			var bits uint64
			for b := range min(64, n-w*64) {
				if valid[from+w*64+b] {
					bits |= 1 << b
				}
			}
			mask[w] = bits
		}
	}
	return nil
}
