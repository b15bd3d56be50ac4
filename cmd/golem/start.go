package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/golemlabs/golem/editor"
)

// runStart serves the browser editor on the project in DIR (default ".")
// until ctx is cancelled (Ctrl-C).
func runStart(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem start", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", editor.DefaultPort, "port to listen on")
	host := fs.String("host", editor.DefaultHost, "address to listen on; any non-loopback address requires a token")
	token := fs.String("token", "", "access token required on every request (generated when --host is not loopback)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem start [DIR] [--port 6789] [--host 127.0.0.1] [--token T]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		fs.Usage()
		return fmt.Errorf("%w: golem start takes at most one directory", errUsage)
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("%w: --port %d out of range", errUsage, *port)
	}
	srv, err := editor.New(editor.Options{ProjectDir: dir, Host: *host, Port: *port, Token: *token, Log: stderr})
	if err != nil {
		return err
	}
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "golem editor serving %s\n    %s\n", dir, srv.URL())
	if srv.Token() != "" {
		fmt.Fprintln(stdout, "open the URL above once: the token is then kept in a cookie")
	}
	fmt.Fprintln(stdout, "press Ctrl-C to stop")
	return srv.Serve(ctx, ln)
}
