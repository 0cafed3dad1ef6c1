package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// textValue is a string flag bound to *p. Its String is the fixed default
// def, not the current value, so help never shows what was typed (a
// token), and registering it again does not reset *p.
type textValue struct {
	p   *string
	def string
}

func (v textValue) String() string     { return v.def }
func (v textValue) Set(s string) error { *v.p = s; return nil }

// boolValue is a boolean flag bound to *p, like textValue.
type boolValue struct{ p *bool }

func (v boolValue) String() string   { return "false" }
func (v boolValue) IsBoolFlag() bool { return true }
func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*v.p = b
	return nil
}

// durationValue is a duration flag bound to *p, like textValue.
type durationValue struct {
	p   *time.Duration
	def time.Duration
}

func (v durationValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.def.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return errors.New("want a positive duration such as 30s or 2m")
	}
	*v.p = d
	return nil
}

// optionalInt is an integer flag that may be absent: no default is shown,
// and set tells whether it was given.
type optionalInt struct {
	value int64
	set   bool
}

func (o *optionalInt) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatInt(o.value, 10)
}

func (o *optionalInt) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return errors.New("want a whole number of cents, 0 or more")
	}
	o.value, o.set = n, true
	return nil
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// kvFlag is a repeatable key=value flag.
type kvFlag map[string]string

func (k kvFlag) String() string { return "" }
func (k kvFlag) Set(v string) error {
	key, val, ok := strings.Cut(v, "=")
	if !ok || key == "" {
		return errors.New("want key=value")
	}
	k[key] = val
	return nil
}

// parseFlags parses a command's flags, with the global flags added, and
// returns the positional arguments. Flags may come before or after them.
// A mistake is one usage error (the flag package's own message and usage
// dump are silenced); -h prints the command's help and returns
// flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, env *environment, args []string) ([]string, error) {
	cmd := commands[fs.Name()]
	env.flags = fs
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	env.globals.register(fs)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printCommandHelp(env.stdout, fs, cmd)
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if want := len(cmd.args); len(positional) != want {
		switch {
		case want == 0:
			return nil, usagef("unexpected argument %q", positional[0])
		case len(positional) == 0:
			return nil, usagef("missing the %s argument", cmd.args[0])
		default:
			return nil, usagef("want exactly one %s argument, got %d arguments", cmd.args[0], len(positional))
		}
	}
	return positional, nil
}

// longFlag matches a flag of more than one letter at the start of a line
// of PrintDefaults.
var longFlag = regexp.MustCompile(`(?m)^  -(\w\w)`)

// printCommandHelp prints what a command does, its arguments, its own
// flags and then the global flags.
func printCommandHelp(w io.Writer, fs *flag.FlagSet, cmd command) {
	synopsis := "polar-checkouts " + fs.Name() + " [flags]"
	for _, a := range cmd.args {
		synopsis += " " + a
	}
	fmt.Fprintf(w, "usage: %s\n\n%s\n", synopsis, cmd.help)
	own := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	global := flag.NewFlagSet("globals", flag.ContinueOnError)
	fs.VisitAll(func(f *flag.Flag) {
		dst := own
		if globalFlagNames[f.Name] {
			dst = global
		}
		dst.Var(f.Value, f.Name, f.Usage)
		dst.Lookup(f.Name).DefValue = f.DefValue
	})
	for _, section := range []struct {
		title string
		fs    *flag.FlagSet
	}{{"Flags", own}, {"Global flags", global}} {
		n := 0
		section.fs.VisitAll(func(*flag.Flag) { n++ })
		if n == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", section.title)
		var b strings.Builder
		section.fs.SetOutput(&b)
		section.fs.PrintDefaults()
		// The flag package shows -name; the CLI's docs and messages say
		// --name (both work), and -v.
		fmt.Fprint(w, longFlag.ReplaceAllString(b.String(), "  --$1"))
	}
}
