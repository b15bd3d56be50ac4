// Package completion holds the type of one entry of the editor's completion list: what
// gencompletions writes to editor/completions.json and GET /api/completions serves.
package completion

// Item is one completion of the block API: a name of package blocks, blocks/frame,
// blocks/ml or blocks/conn.
//
//golem:tsname Completion
type Item struct {
	Label string `json:"label"`
	// Kind is func, method, type, const, var or field.
	Kind string `json:"kind"`
	// Package is the package that declares the name (frame, ml, …).
	Package string `json:"package"`
	// Receiver is the type of a method or a field.
	Receiver string `json:"receiver,omitempty"`
	// Detail is the declaration: a signature, "type Frame", "const X".
	Detail string `json:"detail"`
	// Doc is the doc comment's first sentence.
	Doc string `json:"doc,omitempty"`
	// Example is a one-line use.
	Example string `json:"example,omitempty"`
}
