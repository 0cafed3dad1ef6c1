// Package readme checks that every Go code block of the repository's
// README.md compiles against the SDK as it is, so the README cannot rot.
package readme

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// block is one ```go block of the README.
type block struct {
	line int // of the opening fence
	code string
}

var importName = regexp.MustCompile(`(?m)^import \w+ `)

var fence = regexp.MustCompile("(?m)^```go\n((?s:.*?))^```\n")

// goBlocks returns the Go blocks of the README.
func goBlocks(t *testing.T, readme string) []block {
	t.Helper()
	var out []block
	for _, m := range fence.FindAllStringSubmatchIndex(readme, -1) {
		out = append(out, block{line: strings.Count(readme[:m[0]], "\n") + 1, code: readme[m[2]:m[3]]})
	}
	return out
}

// snippetPrelude is what a README snippet may use without declaring it:
// the packages a user imports and the values its surrounding code has.
const snippetPrelude = `import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	"github.com/gopolar/checkouts/webhook"
	polar "github.com/gopolar/checkouts/wrapper"
	%s
)

var (
	_ = context.Background
	_ = errors.Is
	_ = fmt.Sprint
	_ = log.Print
	_ = slog.Default
	_ = http.StatusOK
	_ = os.Getenv
	_ = time.Second
	_ testing.T
	_ = polartest.NewServer
	_ = webhook.Sign
	_ = polar.NewClient
	%s
)
`

// snippetParams are the values a snippet body may use.
const snippetParams = "ctx context.Context, c *polar.Client, w http.ResponseWriter, r *http.Request, productID, id polar.UUID, tracing polar.Middleware"

// source turns a block into a Go file of package main: a whole file as
// it is, top-level declarations after the prelude, and statements as the
// body of a function that has the prelude's values.
func source(b block) string {
	code := b.code
	if strings.HasPrefix(code, "import ") {
		// An import line alone: the path must resolve (a blank import, as
		// nothing uses the name).
		return "package main\n\n" + importName.ReplaceAllString(code, "import _ ") + "\nfunc main() {}\n"
	}
	redisImports, redisUses := "", ""
	if strings.Contains(code, "redislimit.") {
		redisImports = "\"github.com/redis/go-redis/v9\"\n\tredislimit \"github.com/gopolar/checkouts/ratelimit/redis\""
		redisUses = "_ = redis.NewClient\n\t_ = redislimit.New"
	}
	head := "package main\n\n" + fmt.Sprintf(snippetPrelude, redisImports, redisUses) + "\nfunc main() {}\n\n"
	if strings.HasPrefix(code, "func ") {
		return head + code
	}
	return head + "func snippet(" + snippetParams + ") error {\n" + code + "\treturn nil\n}\n"
}

// moduleFor returns the module directory a block builds in: the Redis
// adapter's for blocks that use it, else tests/.
func moduleFor(b block) string {
	if strings.Contains(b.code, "redislimit.") {
		return filepath.Join("..", "..", "ratelimit", "redis")
	}
	return ".."
}

func TestREADME_goBlocksCompile(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(t, string(raw))
	if len(blocks) < 5 {
		t.Fatalf("found %d Go blocks in README.md; the fence pattern no longer matches", len(blocks))
	}
	for _, b := range blocks {
		t.Run(fmt.Sprintf("line%d", b.line), func(t *testing.T) {
			t.Parallel()
			mod, err := filepath.Abs(moduleFor(b))
			if err != nil {
				t.Fatal(err)
			}
			// A directory inside the module, so the block resolves the
			// module's requirements and replacements.
			dir, err := os.MkdirTemp(mod, "readmecheck")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(source(b)), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("go", "build", "-o", os.DevNull, "./"+filepath.Base(dir))
			cmd.Dir = mod
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("README.md:%d: the Go block does not compile: %v\n%s\n--- as built:\n%s", b.line, err, out, source(b))
			}
		})
	}
}

// TestREADME_fenceFindsBlocks: the extraction itself, on a known text.
func TestREADME_fenceFindsBlocks(t *testing.T) {
	t.Parallel()
	text := "# x\n\n```go\nfmt.Println(1)\n```\n\n```sh\nls\n```\n\n```go\nfunc f() {}\n```\n"
	got := goBlocks(t, text)
	if len(got) != 2 || got[0].line != 3 || got[0].code != "fmt.Println(1)\n" || got[1].code != "func f() {}\n" {
		t.Fatalf("goBlocks = %+v", got)
	}
}
