package main

import "testing"

func TestInfoVersion(t *testing.T) {
	tests := []struct {
		name, spec, want string
		wantErr          bool
	}{
		{"quoted", "openapi: 3.0.3\ninfo:\n  title: x\n  version: \"2026-04\"\npaths: {}\n", "2026-04", false},
		{"plain", "info:\n  version: 2026-10\n", "2026-10", false},
		{"ignores other versions", "servers:\n  - url: x\n  version: nope\ninfo:\n  # comment\n  version: '2027-01'\n", "2027-01", false},
		{"missing", "openapi: 3.0.3\ninfo:\n  title: x\n", "", true},
		{"empty", "info:\n  version: \"\"\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := infoVersion([]byte(tt.spec))
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("infoVersion = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
