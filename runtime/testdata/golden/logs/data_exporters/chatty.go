package chatty

import (
	"fmt"

	"github.com/golemlabs/golem/blocks"
)

func Export(ctx *blocks.Context) error {
	fmt.Println("one")
	fmt.Print("t")
	fmt.Print("wo\n") // a line printed in parts
	ctx.Logf("three")
	fmt.Printf("four %d\n", 4)
	ctx.Log("five", 5)
	println("builtin println goes to stderr")
	return nil
}
