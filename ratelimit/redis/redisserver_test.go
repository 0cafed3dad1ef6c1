package redislimit

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// requireRedisEnv set to 1 (CI sets it) turns a missing redis-server into a
// failure instead of a skip.
const requireRedisEnv = "POLAR_REQUIRE_REDIS"

// redisServerPath finds redis-server, or skips the test (fails it under
// POLAR_REQUIRE_REDIS=1).
func redisServerPath(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err == nil {
		return path
	}
	if os.Getenv(requireRedisEnv) == "1" {
		t.Fatalf("redis-server is not on PATH and %s=1: %v", requireRedisEnv, err)
	}
	t.Skipf("redis-server is not on PATH (apt-get install redis-server), so the Redis tests do not run; set %s=1 to fail instead", requireRedisEnv)
	return ""
}

// redisServer is a redis-server process of the test's own, on a free
// loopback port, without persistence.
type redisServer struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	Addr string

	cmd    *exec.Cmd
	exited chan struct{}
}

// startRedis starts a redis-server for the test and stops it when the
// test ends.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	s := &redisServer{t: t, bin: redisServerPath(t), dir: t.TempDir()}
	var err error
	for range 5 { // another process may take the free port before redis-server does
		if s.port, err = freePort(); err != nil {
			continue
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	t.Cleanup(s.Stop)
	return s
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start runs redis-server on s.port and waits until it answers PING.
func (s *redisServer) start() error {
	logPath := filepath.Join(s.dir, fmt.Sprintf("redis-%d.log", s.port))
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--daemonize", "no")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			return fmt.Errorf("redis-server exited at start: %s", tail(logPath))
		default:
		}
		if ping(addr) == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		time.Sleep(10 * time.Millisecond) // polling a process we do not control
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("redis-server did not answer within 15s: %s", tail(logPath))
}

// ping sends one PING over a fresh connection.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// Stop kills the server (an outage, as far as the limiter knows) and
// waits for it to exit. Stopping a stopped server does nothing.
func (s *redisServer) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd, s.exited = nil, nil
}

// Restart starts the server again on the same port, empty.
func (s *redisServer) Restart() {
	s.t.Helper()
	s.Stop()
	var err error
	for range 50 { // the old socket may linger for a moment
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("restart redis-server on port %d: %v", s.port, err)
}

// Client returns a go-redis client for the server, configured as the
// package documentation recommends, closed when the test ends.
func (s *redisServer) Client(t testing.TB) *redis.Client {
	t.Helper()
	rdb := newClient(s.Addr)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func newClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:                  addr,
		ContextTimeoutEnabled: true,
		DialTimeout:           time.Second,
	})
}

// tail returns the end of a log file, for failure messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
