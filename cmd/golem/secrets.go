package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/secret"
	"golang.org/x/term"
)

const secretsUsage = `Usage:
  golem secrets set DIR NAME [--from-env VAR]   store a secret, encrypted (value read from stdin,
                                                hidden on a terminal, or from the variable VAR)
  golem secrets list DIR [--json]               the secrets' names and sources, never their values
  golem secrets rm DIR NAME                     delete a stored secret

Connection profiles use a secret as ${secret:NAME}. Secrets are encrypted with age to the key in
$GOLEM_SECRETS_KEY_FILE (default ~/.config/golem/secrets.key, created by the first set); the
environment variable GOLEM_SECRET_<NAME>, when set, gives the value instead of the store.
`

// runSecrets manages the project's encrypted secrets (projects/secret).
func runSecrets(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, secretsUsage)
		return fmt.Errorf("%w: golem secrets takes set, list or rm", errUsage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("golem secrets "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, secretsUsage) }
	fromEnv := fs.String("from-env", "", "set: take the value from this environment variable")
	asJSON := fs.Bool("json", false, "list: print JSON")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"set": 2, "rm": 2, "list": 1}
	n, ok := want[verb]
	if !ok {
		fs.Usage()
		return fmt.Errorf("%w: unknown golem secrets verb %q (set, list, rm)", errUsage, verb)
	}
	if len(pos) != n {
		fs.Usage()
		return fmt.Errorf("%w: golem secrets %s takes %s", errUsage, verb, map[int]string{1: "DIR", 2: "DIR NAME"}[n])
	}
	if _, err := os.Stat(pos[0] + "/" + projects.ConfigFile); err != nil {
		return fmt.Errorf("%s: %w", pos[0], projects.ErrNotProject)
	}
	st, err := secret.Open(pos[0])
	if err != nil {
		return err
	}
	switch verb {
	case "list":
		list, err := st.List()
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(stdout, map[string]any{"secrets": list, "key_file": st.KeyFile()})
		}
		if len(list) == 0 {
			fmt.Fprintln(stdout, "no secrets (golem secrets set DIR NAME)")
		}
		for _, e := range list {
			fmt.Fprintf(stdout, "%-30s %s\n", e.Name, e.Source)
		}
		return nil
	case "rm":
		if err := st.Remove(pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed secret %s\n", pos[1])
		return nil
	}
	name := pos[1]
	var value string
	if *fromEnv != "" {
		v, ok := os.LookupEnv(*fromEnv)
		if !ok {
			return fmt.Errorf("--from-env %s: %w", *fromEnv, secret.ErrEnvUnset)
		}
		value = v
	} else if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		fmt.Fprintf(stderr, "value of %s (hidden): ", name)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(stderr)
		if err != nil {
			return fmt.Errorf("read secret: %w", err)
		}
		value = string(b)
	} else {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read secret from stdin: %w", err)
		}
		value = strings.TrimRight(line, "\r\n")
	}
	if value == "" {
		return fmt.Errorf("secret %s: empty value (pipe it on stdin, or --from-env VAR)", name)
	}
	if err := st.Set(name, value); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "stored secret %s (encrypted to %s)\n", name, st.KeyFile())
	if len(value) < secret.MinLen {
		fmt.Fprintf(stderr, "golem: warning: values shorter than %d characters are not redacted from logs\n", secret.MinLen)
	}
	return nil
}
