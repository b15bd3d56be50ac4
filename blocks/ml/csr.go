package ml

import (
	"fmt"
	"math"
)

// CSR is a sparse matrix in compressed sparse row form, like scipy's
// csr_matrix. The entries of row i are Indices[Indptr[i]:Indptr[i+1]]
// (column numbers, strictly increasing) with values Data[Indptr[i]:Indptr[i+1]].
// Absent entries are zero. A stored NaN marks a missing value: boosted trees
// learn where to send it at each split, linear models count it as zero and
// warn.
type CSR struct {
	Rows    int
	Cols    int
	Indptr  []int
	Indices []int
	Data    []float64
}

// NewCSRFromDense builds a CSR matrix from dense rows, keeping non-zero values.
// All rows must have the same length.
func NewCSRFromDense(rows [][]float64) (*CSR, error) {
	m := &CSR{Rows: len(rows), Indptr: make([]int, 1, len(rows)+1)}
	if len(rows) > 0 {
		m.Cols = len(rows[0])
	}
	for i, r := range rows {
		if len(r) != m.Cols {
			return nil, fmt.Errorf("dense row %d has %d values, want %d: %w", i, len(r), m.Cols, ErrShape)
		}
		for j, v := range r {
			if v != 0 {
				m.Indices = append(m.Indices, j)
				m.Data = append(m.Data, v)
			}
		}
		m.Indptr = append(m.Indptr, len(m.Indices))
	}
	return m, nil
}

// NNZ returns the number of stored entries.
func (m *CSR) NNZ() int { return len(m.Data) }

// At returns the value at row i, column j (zero when absent).
func (m *CSR) At(i, j int) float64 {
	lo, hi := m.Indptr[i], m.Indptr[i+1]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := m.Indices[mid]; {
		case c == j:
			return m.Data[mid]
		case c < j:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0
}

// Dense returns the matrix as dense rows; meant for small matrices and tests.
func (m *CSR) Dense() [][]float64 {
	out := make([][]float64, m.Rows)
	for i := range out {
		out[i] = make([]float64, m.Cols)
		for k := m.Indptr[i]; k < m.Indptr[i+1]; k++ {
			out[i][m.Indices[k]] = m.Data[k]
		}
	}
	return out
}

// Validate checks that the arrays describe a well-formed matrix with sorted
// column indices and values that are finite or NaN (missing).
func (m *CSR) Validate() error {
	if m == nil {
		return fmt.Errorf("nil matrix: %w", ErrBadMatrix)
	}
	if m.Rows < 0 || m.Cols < 0 || len(m.Indptr) != m.Rows+1 || m.Indptr[0] != 0 {
		return fmt.Errorf("%d rows with %d row pointers: %w", m.Rows, len(m.Indptr), ErrBadMatrix)
	}
	nnz := m.Indptr[m.Rows]
	if len(m.Indices) != nnz || len(m.Data) != nnz {
		return fmt.Errorf("%d entries, %d indices, %d values: %w", nnz, len(m.Indices), len(m.Data), ErrBadMatrix)
	}
	for i := 0; i < m.Rows; i++ {
		lo, hi := m.Indptr[i], m.Indptr[i+1]
		if hi < lo {
			return fmt.Errorf("row %d: decreasing row pointers: %w", i, ErrBadMatrix)
		}
		prev := -1
		for k := lo; k < hi; k++ {
			c := m.Indices[k]
			if c <= prev || c >= m.Cols {
				return fmt.Errorf("row %d: column index %d out of order or range [0,%d): %w", i, c, m.Cols, ErrBadMatrix)
			}
			prev = c
			if v := m.Data[k]; math.IsInf(v, 0) {
				return fmt.Errorf("row %d, column %d: %v: %w", i, c, v, ErrNotFinite)
			}
		}
	}
	return nil
}

// SelectRows returns a new matrix made of the given rows, in the given order.
func (m *CSR) SelectRows(idx []int) (*CSR, error) {
	out := &CSR{Rows: len(idx), Cols: m.Cols, Indptr: make([]int, 1, len(idx)+1)}
	n := 0
	for _, i := range idx {
		if i < 0 || i >= m.Rows {
			return nil, fmt.Errorf("row %d out of range [0,%d): %w", i, m.Rows, ErrShape)
		}
		n += m.Indptr[i+1] - m.Indptr[i]
	}
	out.Indices = make([]int, 0, n)
	out.Data = make([]float64, 0, n)
	for _, i := range idx {
		lo, hi := m.Indptr[i], m.Indptr[i+1]
		out.Indices = append(out.Indices, m.Indices[lo:hi]...)
		out.Data = append(out.Data, m.Data[lo:hi]...)
		out.Indptr = append(out.Indptr, len(out.Indices))
	}
	return out, nil
}

// MulVec returns m·x.
func (m *CSR) MulVec(x []float64) ([]float64, error) {
	if len(x) != m.Cols {
		return nil, fmt.Errorf("vector of %d values for %d columns: %w", len(x), m.Cols, ErrShape)
	}
	out := make([]float64, m.Rows)
	m.mulVec(x, out)
	return out, nil
}

func (m *CSR) mulVec(x, out []float64) {
	for i := 0; i < m.Rows; i++ {
		s := 0.0
		for k := m.Indptr[i]; k < m.Indptr[i+1]; k++ {
			s += m.Data[k] * x[m.Indices[k]]
		}
		out[i] = s
	}
}

// mulTVec sets out = mᵀ·r.
func (m *CSR) mulTVec(r, out []float64) {
	clear(out)
	for i := 0; i < m.Rows; i++ {
		ri := r[i]
		if ri == 0 {
			continue
		}
		for k := m.Indptr[i]; k < m.Indptr[i+1]; k++ {
			out[m.Indices[k]] += m.Data[k] * ri
		}
	}
}

// SelectFloats returns the values of y at the given indices, in order.
func SelectFloats(y []float64, idx []int) ([]float64, error) {
	out := make([]float64, len(idx))
	for k, i := range idx {
		if i < 0 || i >= len(y) {
			return nil, fmt.Errorf("index %d out of range [0,%d): %w", i, len(y), ErrShape)
		}
		out[k] = y[i]
	}
	return out, nil
}

// countNaN returns the number of stored NaN (missing) values.
func (m *CSR) countNaN() int {
	n := 0
	for _, v := range m.Data {
		if math.IsNaN(v) {
			n++
		}
	}
	return n
}

// nanAsZero returns m with its NaN values replaced by zeros (m itself when
// it has none) and how many there were.
func (m *CSR) nanAsZero() (*CSR, int) {
	n := m.countNaN()
	if n == 0 {
		return m, 0
	}
	out := *m
	out.Data = make([]float64, len(m.Data))
	for k, v := range m.Data {
		if !math.IsNaN(v) {
			out.Data[k] = v
		}
	}
	return &out, n
}
