package redislimit_test

import (
	"context"
	"log"
	"log/slog"
	"os"

	"github.com/redis/go-redis/v9"

	redislimit "github.com/gopolar/checkouts/ratelimit/redis"
	polar "github.com/gopolar/checkouts/wrapper"
)

// Three replicas share Polar's production limit of 500 requests per
// minute for one organization. While Redis is unreachable each replica
// falls back to 500/3 per minute on its own.
func Example() {
	rdb := redis.NewClient(&redis.Options{
		Addr:                  os.Getenv("REDIS_ADDR"),
		ContextTimeoutEnabled: true, // lets the limiter's timeout bound each Redis command
	})
	defer rdb.Close()

	lim, err := redislimit.New(rdb, 500,
		redislimit.WithKey(os.Getenv("POLAR_ORGANIZATION_ID")),
		redislimit.WithReplicas(3),
		redislimit.WithLogger(slog.Default()))
	if err != nil {
		log.Fatal(err)
	}
	client, err := polar.NewClient(
		polar.WithAccessToken(os.Getenv("POLAR_ACCESS_TOKEN")),
		polar.WithRateLimiter(lim))
	if err != nil {
		log.Fatal(err)
	}
	id, err := polar.ParseUUID(os.Getenv("CHECKOUT_ID"))
	if err != nil {
		log.Fatal(err)
	}
	co, err := client.Checkouts.Get(context.Background(), id)
	if err != nil {
		log.Fatal(err)
	}
	log.Println(co.Status)
}

// A limiter keyed by the access token, for when the organization ID is not
// at hand: only a hash of the token reaches Redis.
func ExampleWithKeyFromToken() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()
	lim, err := redislimit.New(rdb, 100, // the sandbox allows 100 per minute
		redislimit.WithKeyFromToken(os.Getenv("POLAR_ACCESS_TOKEN")),
		redislimit.WithBurst(5))
	if err != nil {
		log.Fatal(err)
	}
	_ = polar.WithRateLimiter(lim)
}
