package main

// The tests in this file build the polar-checkouts binary and run it as a
// user would: arguments, environment and stdin in; stdout, stderr and the
// exit status out. Servers are a polartest handler in this process, or
// the binary's own mock and webhook listen commands. Messages are compared
// with golden files in testdata/ (go test -run Binary -update rewrites
// them).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// binary is the path of the built CLI, set by TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "polar-checkouts-cli")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "polar-checkouts")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the CLI:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary printed.
type result struct {
	code           int
	stdout, stderr string
}

// invocation is one run of the binary.
type invocation struct {
	args  []string
	env   []string // KEY=value; nothing else of the test's environment leaks in
	stdin string
}

// baseEnv is the environment every run starts from: no POLAR_* variable
// of the machine running the tests.
func baseEnv() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
}

// command returns the binary's exec.Cmd for inv.
func (inv invocation) command(ctx context.Context) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, inv.args...)
	cmd.Env = append(baseEnv(), inv.env...)
	cmd.Stdin = strings.NewReader(inv.stdin)
	return cmd
}

// exe runs the binary to completion.
func exe(t *testing.T, inv invocation) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a guard against a hang, not a measurement
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := inv.command(ctx)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %v: %v", inv.args, err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// render is a result as a golden file holds it.
func (r result) render() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// recorder is a polartest server in this process that records the
// headers of every request, for the global flags that become headers.
type recorder struct {
	URL string
	mu  sync.Mutex
	got []http.Header
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{}
	ts := httptest.NewUnstartedServer(nil)
	rec.URL = "http://" + ts.Listener.Addr().String()
	h := polartest.NewHandler(polartest.WithBaseURL(rec.URL))
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.got = append(rec.got, r.Header.Clone())
		rec.mu.Unlock()
		h.ServeHTTP(w, r)
	})
	ts.Start()
	t.Cleanup(ts.Close)
	return rec
}

// headers returns the headers of the requests so far.
func (rec *recorder) headers() []http.Header {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]http.Header(nil), rec.got...)
}

// flags returns the global flags that point the CLI at the recorder.
func (rec *recorder) flags() []string {
	return []string{"--server", rec.URL, "--token", polartest.Token}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// process is a long-running command (mock, webhook listen).
type process struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	lines          chan string // stderr lines, for waiting on one
}

// syncBuffer is a bytes.Buffer safe for one writer and readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs inv in the background; the watch stream's lines are also
// sent to lines (stdout for mock's banner, stderr for listen's).
func start(t *testing.T, inv invocation, watchStdout bool) *process {
	t.Helper()
	p := &process{cmd: inv.command(context.Background()), stdout: &syncBuffer{}, stderr: &syncBuffer{}, lines: make(chan string, 100)}
	pr, pw := io.Pipe()
	if watchStdout {
		p.cmd.Stdout, p.cmd.Stderr = io.MultiWriter(p.stdout, pw), p.stderr
	} else {
		p.cmd.Stdout, p.cmd.Stderr = p.stdout, io.MultiWriter(p.stderr, pw)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		_ = pw.Close()
	})
	return p
}

// await returns the first submatch of re in the watched stream.
func (p *process) await(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	guard := time.NewTimer(time.Minute) // a guard against a hang, not a measurement
	defer guard.Stop()
	for {
		select {
		case line := <-p.lines:
			if m := re.FindStringSubmatch(line); m != nil {
				return m[1]
			}
		case <-guard.C:
			t.Fatalf("no line matching %s; stdout %q, stderr %q", re, p.stdout, p.stderr)
		}
	}
}

// stop sends SIGINT, as Ctrl-C does, and returns the exit status.
func (p *process) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := p.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode()
}

// assertNoSecret fails if any of secrets appears in the outputs, whole or
// in part (any 8 bytes of it).
func assertNoSecret(t *testing.T, secrets []string, outputs ...string) {
	t.Helper()
	for _, s := range secrets {
		for i := 0; i+8 <= len(s); i++ {
			for _, out := range outputs {
				if strings.Contains(out, s[i:i+8]) {
					t.Errorf("output contains part of a secret (%q…): %q", s[i:i+8], out)
					return
				}
			}
		}
	}
}
