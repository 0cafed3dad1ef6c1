package metadata_test

import (
	"encoding/json"
	"fmt"

	"github.com/gopolar/checkouts/metadata"
)

// Reading metadata back needs no type assertion.
func ExampleMap() {
	var m metadata.Map
	_ = json.Unmarshal([]byte(`{"order":"A-42","seats":3,"vip":true}`), &m)
	order, _ := m.String("order")
	seats, _ := m.Int("seats")
	vip, _ := m.Bool("vip")
	fmt.Println(order, seats, vip)
	// Output: A-42 3 true
}
