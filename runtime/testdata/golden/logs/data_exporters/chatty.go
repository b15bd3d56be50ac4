package chatty

import (
	"fmt"
	"os"

	"github.com/golemlabs/golem/blocks"
)

func Export(ctx *blocks.Context) error {
	fmt.Println("one")
	os.Stdout.Write([]byte("two\n"))
	ctx.Logf("three")
	fmt.Printf("four %d\n", 4)
	ctx.Log("five", 5)
	println("builtin println goes to stderr")
	return nil
}
