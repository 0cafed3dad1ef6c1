package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	polar "github.com/gopolar/checkouts/wrapper"
)

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// isUsage reports whether err is a command-line mistake rather than a
// failure of the API: bad flags, or an argument the SDK refused before
// sending anything.
func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue) || errors.Is(err, polar.ErrInvalidArgument) || errors.Is(err, polar.ErrNoAccessToken)
}

// optionFlags turns the names of SDK options in the SDK's messages into
// the CLI flags that set them: a CLI user has no WithInsecureHTTP.
var optionFlags = strings.NewReplacer(
	"WithAccessToken", "--token",
	"WithServer", "--server",
	"WithBaseURL", "--server",
	"WithInsecureHTTP", "--insecure-http",
	"WithAPIVersion", "--api-version",
	"WithOrganization", "--organization",
	"WithTimeout", "--timeout",
)

// optionSources names where the value of an SDK option came from, for
// the head of its error.
var optionSources = strings.NewReplacer(
	"WithAccessToken", "--token (or $"+envToken+")",
	"WithServer", "--server",
	"WithBaseURL", "--server",
	"WithInsecureHTTP", "--insecure-http",
	"WithAPIVersion", "--api-version (or $"+envAPIVersion+")",
	"WithOrganization", "--organization (or $"+envOrganization+")",
	"WithTimeout", "--timeout",
)

// explain renders an error for a CLI user, in one line: in the words of
// the CLI's flags, without the SDK's "polar:" prefixes, with every field
// of a validation error.
func explain(err error) string {
	var (
		ue     *usageError
		apiErr *polar.Error
		maybe  *polar.MaybeAppliedError
		reqErr *polar.RequestError
		argErr *polar.InvalidArgumentError
	)
	switch {
	case errors.As(err, &ue):
		return ue.msg
	case errors.Is(err, polar.ErrNoAccessToken):
		return "no access token: give --token or set " + envToken
	case errors.As(err, &maybe):
		return "outcome unknown, the request may have been applied (look the session up, for example with list --external-customer-id, before trying again): " + explain(maybe.Cause)
	case errors.As(err, &apiErr):
		return explainAPIError(apiErr)
	case errors.As(err, &reqErr):
		return explainRequestError(reqErr)
	case errors.As(err, &argErr):
		return explainArgument(argErr)
	}
	return oneLine(strings.TrimPrefix(err.Error(), "polar: "))
}

// explainAPIError renders an answer of Polar: the request, the status and
// Polar's code, then every offending field of a 422, else the detail.
func explainAPIError(e *polar.Error) string {
	var b strings.Builder
	b.WriteString(requestLine(e.Method, e.Path))
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	} else if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	switch {
	case len(e.Fields) > 0:
		parts := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			parts[i] = polar.FieldPath(f) + ": " + f.Msg
		}
		b.WriteString(": " + strings.Join(parts, "; "))
	case e.Detail != "":
		b.WriteString(": " + e.Detail)
	case e.Body != "":
		b.WriteString(": body: " + strconv.Quote(e.Body))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return oneLine(b.String())
}

// explainRequestError renders a request that got no answer. The request
// line already names the path (client secrets replaced), so the URL the
// HTTP client repeats, percent-encoded, is left out.
func explainRequestError(e *polar.RequestError) string {
	cause := "request failed"
	if e.Err != nil {
		cause = e.Err.Error()
		// Only a *url.Error at the top of the chain: its message is the one
		// the SDK checked for secrets, so its cause is part of that text.
		var ue *url.Error
		if errors.As(e.Err, &ue) && ue.Err != nil && ue.Error() == cause {
			cause = ue.Err.Error()
		}
	}
	if errors.Is(e.Err, context.DeadlineExceeded) {
		cause += " (the bound is --timeout)"
	}
	msg := requestLine(e.Method, e.Path) + cause
	if e.Attempts > 1 {
		msg += " (after " + strconv.Itoa(e.Attempts) + " attempts)"
	}
	return oneLine(msg)
}

// explainArgument renders what the SDK refused before sending: an option
// names its flag, an argument its name.
func explainArgument(e *polar.InvalidArgumentError) string {
	if e.Arg == "option" {
		return optionSources.Replace(e.Op) + ": " + optionFlags.Replace(e.Reason)
	}
	return oneLine("invalid " + e.Arg + ": " + optionFlags.Replace(e.Reason))
}

// inFlagTerms turns an argument the SDK refused into a usage error about
// the flag that set it (params.limit: --limit, body.customer_email:
// --customer-email), when the command has that flag.
func (env *environment) inFlagTerms(err error) error {
	var argErr *polar.InvalidArgumentError
	if env.flags == nil || !errors.As(err, &argErr) {
		return err
	}
	if name := flagFor(env.flags, argErr.Arg); name != "" {
		return &usageError{msg: "--" + name + ": " + optionFlags.Replace(argErr.Reason)}
	}
	return err
}

// flagFor returns the flag of fs that sets the SDK argument arg, or "".
func flagFor(fs *flag.FlagSet, arg string) string {
	rest, ok := strings.CutPrefix(arg, "params.")
	if !ok {
		if rest, ok = strings.CutPrefix(arg, "body."); !ok {
			return ""
		}
	}
	field, _, _ := strings.Cut(rest, ".")
	name := strings.ReplaceAll(field, "_", "-")
	for _, candidate := range []string{name, strings.TrimSuffix(name, "s")} {
		if candidate != "" && fs.Lookup(candidate) != nil {
			return candidate
		}
	}
	return ""
}

// requestLine is "METHOD PATH: ", or "" without a method.
func requestLine(method, path string) string {
	if method == "" {
		return ""
	}
	return method + " " + path + ": "
}

// oneLine flattens a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
