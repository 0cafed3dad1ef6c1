// Package webhooks tests the webhook path end to end over real HTTP: the
// polartest fake delivering signed events, with faults, to a handler
// built with package webhook, under concurrent API traffic. TestMain
// checks that nothing leaks a goroutine.
package webhooks

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
