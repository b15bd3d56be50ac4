// Package blocks defines what a Golem block is: its kinds and entry functions, the parsing and
// pre-checking of block source files, the templates for new blocks, and Context, the API that block
// code receives when it runs.
//
// Block code itself imports only this package, its sub-packages (frame, ml) and the Go standard
// library; it is interpreted by yaegi at run time (see the runtime package).
package blocks
