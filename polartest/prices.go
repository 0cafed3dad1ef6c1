package polartest

import (
	"encoding/json"
	"sort"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// uuidList reads the required, non-empty, duplicate-free list of product
// IDs of a create.
func (r reader) uuidList(key string) []uuid.UUID {
	raw, ok := r.raw[key]
	if !ok {
		*r.errs = append(*r.errs, verr{Type: "missing", Loc: r.at(key), Msg: "Field required", Input: inputOf(mustJSON(r.raw))})
		return nil
	}
	var items []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		r.fail(key, "list_type", "Input should be a valid list", raw, nil)
		return nil
	}
	if len(items) == 0 {
		r.fail(key, "too_short", "List should have at least 1 item after validation, not 0", raw, map[string]any{"field_type": "List", "min_length": 1, "actual_length": 0})
		return nil
	}
	sub := reader{loc: r.at(key), errs: r.errs}
	out := make([]uuid.UUID, 0, len(items))
	seen := make(map[uuid.UUID]bool, len(items))
	for i, item := range items {
		u, ok := sub.parseUUID(i, item)
		if !ok {
			continue
		}
		if seen[u] {
			sub.fail(i, "value_error", "Value error, Products must be unique.", item, nil)
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
	return out
}

// adHocPrices reads the prices map of a create: product ID → prices, of
// which the first is used. Fixed, custom and seat-based prices are
// modelled; metered and unit-based ones are refused with a message saying
// so.
func (r reader) adHocPrices(key string, ids *idSource) map[uuid.UUID]Price {
	raw, st := r.get(key, true, "dict_type", "Input should be a valid dictionary")
	if !st.set || st.null {
		return nil
	}
	var m map[string]json.RawMessage
	if !isObject(raw) || json.Unmarshal(raw, &m) != nil {
		r.fail(key, "dict_type", "Input should be a valid dictionary", raw, nil)
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // stable IDs in deterministic mode
	sub := reader{loc: r.at(key), errs: r.errs}
	out := make(map[uuid.UUID]Price, len(m))
	for _, k := range keys {
		pid, e := parseUUID4(k)
		if e != nil {
			*r.errs = append(*r.errs, verr{Type: e.Type, Loc: sub.at(k, "[key]"), Msg: e.Msg, Input: k, Ctx: e.Ctx})
			continue
		}
		var list []json.RawMessage
		if json.Unmarshal(m[k], &list) != nil || len(m[k]) == 0 || m[k][0] != '[' {
			sub.fail(k, "list_type", "Input should be a valid list", m[k], nil)
			continue
		}
		if len(list) == 0 {
			sub.fail(k, "too_short", "List should have at least 1 item after validation, not 0", m[k], map[string]any{"field_type": "List", "min_length": 1, "actual_length": 0})
			continue
		}
		items := reader{loc: sub.at(k), errs: r.errs}
		var first *Price
		for i, item := range list {
			if pr, ok := items.priceCreate(i, item); ok && first == nil {
				first = &pr
			}
		}
		if first != nil {
			first.ID = ids.uuid()
			first.AdHoc = true
			out[pid] = *first
		}
	}
	return out
}

// priceCreate reads one ProductPriceCreate.
func (r reader) priceCreate(i int, raw json.RawMessage) (Price, bool) {
	p, ok := r.subAt(i, raw)
	if !ok {
		return Price{}, false
	}
	before := len(*r.errs)
	tagRaw, has := p.raw["amount_type"]
	var tag string
	if !has || json.Unmarshal(tagRaw, &tag) != nil {
		*r.errs = append(*r.errs, verr{Type: "union_tag_not_found", Loc: r.at(i), Msg: "Unable to extract tag using discriminator 'amount_type'", Input: inputOf(raw), Ctx: map[string]any{"discriminator": "'amount_type'"}})
		return Price{}, false
	}
	cur := p.enum("price_currency", false, func(s string) bool { return client.PresentmentCurrency(s).Valid() }, "a supported lower-case ISO 4217 currency code")
	p.enum("tax_behavior", true, func(s string) bool { return client.TaxBehaviorOption(s).Valid() }, expectedList("location", "inclusive", "exclusive"))
	pr := Price{Currency: "usd"}
	if cur.value() {
		pr.Currency = cur.v
	}
	switch tag {
	case "fixed":
		pr.Type = PriceFixed
		if _, ok := p.raw["price_amount"]; !ok {
			*r.errs = append(*r.errs, verr{Type: "missing", Loc: p.at("price_amount"), Msg: "Field required", Input: inputOf(raw)})
		}
		pr.Amount = p.integer("price_amount", false, 0, maxAmount).v
	case "custom":
		pr.Type = PriceCustom
		pr.MinimumAmount = 50
		if f := p.integer("minimum_amount", false, 0, maxAmount); f.value() {
			pr.MinimumAmount = f.v
		}
		pr.MaximumAmount = p.integer("maximum_amount", true, 1, maxAmount).v
		pr.PresetAmount = p.integer("preset_amount", true, 0, maxAmount).v
	case "seat_based":
		pr.Type = PriceSeatBased
		pr.SeatTierType, pr.SeatTiers = p.seatTiers()
	case "metered_unit", "unit_based", "metered_tiers":
		*r.errs = append(*r.errs, verr{Type: "value_error", Loc: r.at(i, "amount_type"), Msg: "polartest does not model " + tag + " prices; use fixed, custom or seat_based.", Input: tag})
	default:
		*r.errs = append(*r.errs, verr{Type: "union_tag_invalid", Loc: r.at(i), Msg: "Input tag '" + tag + "' found using 'amount_type' does not match any of the expected tags: 'fixed', 'custom', 'seat_based', 'metered_unit', 'unit_based', 'metered_tiers'", Input: inputOf(raw), Ctx: map[string]any{"discriminator": "'amount_type'", "tag": tag, "expected_tags": "'fixed', 'custom', 'seat_based', 'metered_unit', 'unit_based', 'metered_tiers'"}})
	}
	if len(*r.errs) > before {
		return Price{}, false
	}
	pr.ID = placeholderPriceID // validate needs an ID; the caller sets the real one
	if err := pr.validate(); err != nil {
		*r.errs = append(*r.errs, verr{Type: "value_error", Loc: r.at(i), Msg: "Value error, " + err.Error(), Input: inputOf(raw)})
		return Price{}, false
	}
	return pr, true
}

// placeholderPriceID stands for the ID of an ad-hoc price being validated.
var placeholderPriceID = uuid.MustParse("00000000-0000-4000-8000-000000000000")

// seatTiers reads a ProductPriceSeatTiers-Input.
func (r reader) seatTiers() (client.SeatTierType, []SeatTier) {
	raw, ok := r.raw["seat_tiers"]
	if !ok {
		*r.errs = append(*r.errs, verr{Type: "missing", Loc: r.at("seat_tiers"), Msg: "Field required", Input: nil})
		return "", nil
	}
	st, ok := r.sub("seat_tiers", raw)
	if !ok {
		return "", nil
	}
	typ := client.SeatTierTypeVolume
	if f := st.enum("seat_tier_type", false, func(s string) bool { return client.SeatTierType(s).Valid() }, expectedList("volume", "graduated")); f.value() {
		typ = client.SeatTierType(f.v)
	}
	var list []json.RawMessage
	tiersRaw, ok := st.raw["tiers"]
	if !ok || len(tiersRaw) == 0 || tiersRaw[0] != '[' || json.Unmarshal(tiersRaw, &list) != nil || len(list) == 0 {
		st.fail("tiers", "too_short", "List should have at least 1 item after validation", tiersRaw, map[string]any{"field_type": "List", "min_length": 1})
		return typ, nil
	}
	items := reader{loc: st.at("tiers"), errs: r.errs}
	tiers := make([]SeatTier, 0, len(list))
	for i, item := range list {
		t, ok := items.subAt(i, item)
		if !ok {
			continue
		}
		if _, has := t.raw["min_seats"]; !has {
			*r.errs = append(*r.errs, verr{Type: "missing", Loc: t.at("min_seats"), Msg: "Field required", Input: inputOf(item)})
		}
		if _, has := t.raw["price_per_seat"]; !has {
			*r.errs = append(*r.errs, verr{Type: "missing", Loc: t.at("price_per_seat"), Msg: "Field required", Input: inputOf(item)})
		}
		tiers = append(tiers, SeatTier{
			MinSeats:     int(t.integer("min_seats", false, 1, maxSeats).v),
			MaxSeats:     int(t.integer("max_seats", true, 1, maxSeats).v),
			PricePerSeat: t.integer("price_per_seat", false, 0, maxAmount).v,
		})
	}
	return typ, tiers
}

// subAt returns a reader for the object at index i of a list.
func (r reader) subAt(i int, raw json.RawMessage) (reader, bool) {
	s := reader{loc: r.at(i), errs: r.errs}
	if !isObject(raw) || json.Unmarshal(raw, &s.raw) != nil {
		r.fail(i, "model_type", "Input should be a valid dictionary or instance of the model", raw, nil)
		return s, false
	}
	return s, true
}

// mustJSON encodes the raw properties of a body for an error's input.
func mustJSON(m map[string]json.RawMessage) json.RawMessage {
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return b
}
