package polar

import (
	"strings"
	"testing"
)

// noPiece fails if any 4-byte piece of secret appears in s.
func noPiece(t *testing.T, what, s, secret string) {
	t.Helper()
	for i := 0; i+4 <= len(secret); i++ {
		if piece := secret[i : i+4]; strings.Contains(s, piece) && !strings.Contains("[REDACTED]", piece) && piece != "pola" && piece != "olar" && piece != "lar_" {
			t.Errorf("%s leaks %q of the secret: %q", what, piece, s)
			return
		}
	}
}

func TestRedactor_excerptCleansBeforeCutting(t *testing.T) {
	t.Parallel()
	secret := "polar_c_Zq8Lr5Tx1Wm3Kp9Vb2Nc7Hd4Fj6Gs0Ya1Ue3Oi5"
	token := "polar_oat_Hx7Jk2Lm9Np4Qr6St1Uv3Wx5Yz8Ab0Cd2Ef4Gh"
	r := redactor{secret, token}
	for pad := 200; pad <= 260; pad++ {
		body := strings.Repeat("x", pad) + "Authorization: Bearer " + token + " GET /v1/checkouts/client/" + secret + "/confirm"
		got := r.excerpt([]byte(body))
		if len(got) > bodyExcerptLen {
			t.Fatalf("pad %d: excerpt has %d bytes", pad, len(got))
		}
		noPiece(t, "excerpt", got, strings.TrimPrefix(secret, "polar_c_"))
		noPiece(t, "excerpt", got, strings.TrimPrefix(token, "polar_oat_"))
	}
}

func TestScrubCredentials_unknownCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"token polar_oat_Other123 was rejected", "token [REDACTED] was rejected"},
		{"path /client/polar_c_abc/confirm", "path /client/[REDACTED]"},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ok", "[REDACTED] ok"},
		{"Authorization: Bearer sk_live_abcdef", "Authorization: [REDACTED]"},
		{"AUTHORIZATION: bearer   abc.def", "AUTHORIZATION: [REDACTED]"},
		{"xpolar_c_ is not a prefix", "xpolar_c_ is not a prefix"},
		{"nothing here", "nothing here"},
	}
	for _, tt := range tests {
		if got := scrubCredentials(tt.in); got != tt.want {
			t.Errorf("scrubCredentials(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactor_trimSecretTail(t *testing.T) {
	t.Parallel()
	secret := "tok-9f8e7d6c5b4a"
	r := redactor{secret}
	got := r.excerpt([]byte("the server cut the echo: " + secret[:9]))
	noPiece(t, "excerpt", got, secret)
}

func TestRedactDecodeError_dropsQuotedValues(t *testing.T) {
	t.Parallel()
	secret := "polar_c_Zq8Lr5Tx1Wm3Kp9Vb2Nc7Hd4Fj6Gs0"
	err := errorString(`parsing time "` + secret + `" as "2006-01-02T15:04:05Z07:00": cannot parse "` + secret[3:] + `" as "2006"`)
	got := redactor{}.redactDecodeError(err).Error()
	noPiece(t, "decode error", got, strings.TrimPrefix(secret, "polar_c_"))
	if !strings.Contains(got, "parsing time") {
		t.Errorf("message lost its meaning: %q", got)
	}
}

func TestDescribeInput(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"https://buy.polar.sh/polar_c_Zq8Lr5Tx1Wm3Kp9Vb2Nc7", " polar_c_Zq8Lr5Tx1Wm3Kp9Vb2Nc7", "Bearer polar_oat_Hx7Jk2Lm9Np4Qr6St1", "polar_c_Zq8Lr5Tx1Wm3Kp9Vb2Nc7\n", "sk_live_51Habcdefgh"} {
		got := describeInput(in)
		noPiece(t, "describeInput", got, in)
	}
	if got := describeInput("6f1e9d6a-3f4e-4c1a-9a57"); got != `"6f1e9d6a-3f4e-4c1a-9a57"` {
		t.Errorf("a mistyped UUID should be shown: %s", got)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
