// Package conntest starts real servers for connector tests: a throwaway PostgreSQL cluster
// (Debian's postgresql binaries: initdb in a temporary folder, a loopback port, password
// authentication) and an S3-compatible server (gofakes3, an S3 protocol implementation in Go,
// in memory).
package conntest

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// PG is a running PostgreSQL cluster.
type PG struct {
	Host     string
	Port     int
	User     string
	Password string
	Database string
	// Bin is the folder of the server's binaries (psql is on PATH or there).
	Bin string
}

// URL returns a postgres:// URL with the password.
func (p *PG) URL() string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(p.User, p.Password), Host: net.JoinHostPort(p.Host, strconv.Itoa(p.Port)), Path: "/" + p.Database, RawQuery: "sslmode=disable"}
	return u.String()
}

// Connect opens a connection for the test's own checks.
func (p *PG) Connect(tb testing.TB) *pgx.Conn {
	tb.Helper()
	c, err := pgx.Connect(context.Background(), p.URL())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// pgBin finds the folder holding initdb and pg_ctl.
func pgBin() string {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(r)
		}
		return filepath.Dir(p)
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1])
	}
	return ""
}

func freePort(tb testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Postgres starts a PostgreSQL cluster for the test (password authentication, user golem,
// database golem) and stops it at cleanup. Without the postgresql binaries it skips the test,
// naming the package to install (.ci/run installs it).
func Postgres(tb testing.TB) *PG {
	tb.Helper()
	bin := pgBin()
	if bin == "" {
		tb.Skip("PostgreSQL binaries not found (apt-get install postgresql; .ci/run does)")
	}
	root, err := os.MkdirTemp("", "golem-pg-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(root) })
	// initdb refuses to run as root: run the server as the postgres (or nobody) user then.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			tb.Fatalf("running as root and no postgres or nobody user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chmod(root, 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chown(root, uid, gid); err != nil {
			tb.Fatal(err)
		}
	}
	pg := &PG{Host: "127.0.0.1", Port: freePort(tb), User: "golem", Password: "pg-pa55'word\"x", Database: "golem", Bin: bin}
	pwfile := filepath.Join(root, "pw")
	data := filepath.Join(root, "data")
	run := func(name string, args ...string) {
		tb.Helper()
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	if err := os.WriteFile(pwfile, []byte(pg.Password+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	if cred != nil {
		os.Chown(pwfile, int(cred.Uid), int(cred.Gid))
	}
	run("initdb", "-D", data, "-U", pg.User, "--pwfile", pwfile, "--auth", "scram-sha-256", "-E", "UTF8", "--no-sync", "--locale", "C")
	run("pg_ctl", "-D", data, "-l", filepath.Join(root, "log"), "-w", "-t", "60", "start", "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", pg.Port, root))
	tb.Cleanup(func() {
		cmd := exec.Command(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		_ = cmd.Run()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin := *pg
	admin.Database = "postgres"
	c, err := pgx.Connect(ctx, admin.URL())
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE golem"); err != nil {
		tb.Fatal(err)
	}
	return pg
}

// S3 is a running S3-compatible server with one bucket.
type S3 struct {
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
}

// S3Server starts an in-memory S3-compatible server (gofakes3) with bucket "lake" and stops it at
// cleanup.
func S3Server(tb testing.TB) *S3 {
	tb.Helper()
	backend := s3mem.New()
	faker := gofakes3.New(backend)
	ts := httptest.NewServer(faker.Server())
	tb.Cleanup(ts.Close)
	if err := backend.CreateBucket("lake"); err != nil {
		tb.Fatal(err)
	}
	return &S3{Endpoint: ts.URL, Bucket: "lake", AccessKey: "golem-access", SecretKey: "s3-secret-Key/+x"}
}
