package polartest

import (
	"cmp"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// maxPageLimit is the largest page size; larger limits are lowered to it
// silently, as Polar does.
const maxPageLimit = 100

// listQuery is the parsed query of a list request. nil filters match
// everything.
type listQuery struct {
	orgs, products, customers []uuid.UUID
	externals                 []string
	statuses                  []client.CheckoutStatus
	query                     *string
	page, limit               int64
	sorting                   []client.CheckoutSortProperty
}

// list answers GET /v1/checkouts/.
func (h *Handler) list(q url.Values) *reply {
	lq, errs := parseListQuery(q)
	if errs != nil {
		return validationFailed(errRequestValidation, errs)
	}
	limit := min(lq.limit, maxPageLimit)
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	now := h.now()
	h.store.refreshDue(now)
	var (
		page  []*session
		total int64
	)
	if plan, ok := h.planList(lq); ok {
		page, total = h.indexedPage(plan, lq, limit)
	} else {
		page, total = h.scanPage(lq, limit, now)
	}
	return h.listReply(page, (total+limit-1)/limit, total)
}

// listReply renders a ListResourceCheckout as json.Marshal writes it,
// with the items' answers (cached, see checkoutJSON) spliced in.
func (h *Handler) listReply(page []*session, maxPage, total int64) *reply {
	items := make([][]byte, len(page))
	size := 64
	for i, cs := range page {
		b, err := h.checkoutJSON(cs)
		if err != nil {
			return internalError()
		}
		items[i] = b
		size += len(b) + 1
	}
	body := make([]byte, 0, size)
	body = append(body, `{"items":[`...)
	for i, b := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, b...)
	}
	body = append(body, `],"pagination":{"max_page":`...)
	body = strconv.AppendInt(body, maxPage, 10)
	body = append(body, `,"total_count":`...)
	body = strconv.AppendInt(body, total, 10)
	body = append(body, `}}`...)
	return rawReply(http.StatusOK, body)
}

// listPlan is how the indexes answer a list query: the sessions of
// source, in the order of the sort, are the candidates; when exact, they
// are exactly the matches.
type listPlan struct {
	source union
	exact  bool
}

// planList returns the plan of lq, or false when only a scan of the store
// answers it. The indexes answer the sorts created_at and -created_at
// alone (the default), and serve the filters status, product_id,
// organization_id, customer_id and external_customer_id, any values of
// each (OR within a filter, AND across filters, as matches). A filter
// whose sets hold every session is no filter, and one that holds none
// leaves nothing; status with product_id is one filter of the compound
// index. With one filter left (or none) and no
// query, the plan is exact: a page costs O(limit + log n). With several
// filters left, or with query, the smallest filter's sessions are the
// candidates, filtered one by one. Any other sort (expires_at, status,
// several keys) scans. The caller holds mu.
func (h *Handler) planList(lq listQuery) (listPlan, bool) {
	desc, ok := indexedSort(lq.sorting)
	if !ok {
		return listPlan{}, false
	}
	ix := h.store.index
	var narrowing []filter
	for _, f := range ix.filters(lq, desc) {
		if f.u.len() < ix.all.len() {
			narrowing = append(narrowing, f)
		}
	}
	narrowing = pairStatus(ix, lq, narrowing, desc)
	if len(narrowing) == 0 {
		return listPlan{source: union{{set: &ix.all, desc: desc}}, exact: lq.query == nil}, true
	}
	smallest := slices.MinFunc(narrowing, func(a, b filter) int { return cmp.Compare(a.u.len(), b.u.len()) })
	exact := smallest.u.len() == 0 || (lq.query == nil && len(narrowing) == 1)
	return listPlan{source: smallest.u, exact: exact}, true
}

// pairStatus replaces the status and the product filters, when both are
// among the narrowing ones, by their pair from the compound index. Other
// filters are kept as they are.
func pairStatus(ix *indexes, lq listQuery, narrowing []filter, desc bool) []filter {
	si := slices.IndexFunc(narrowing, func(f filter) bool { return f.kind == filterStatus })
	pi := slices.IndexFunc(narrowing, func(f filter) bool { return f.kind == filterProduct })
	if si < 0 || pi < 0 {
		return narrowing
	}
	out := []filter{{kind: filterStatus, u: ix.statusAndProduct(lq, desc)}}
	for i, f := range narrowing {
		if i != si && i != pi {
			out = append(out, f)
		}
	}
	return out
}

// indexedSort reports whether the indexes serve the sort keys, and in
// which direction: created_at or -created_at alone.
func indexedSort(keys []client.CheckoutSortProperty) (desc, ok bool) {
	if len(keys) != 1 {
		return false, false
	}
	switch keys[0] {
	case client.CheckoutSortPropertyMinusCreatedAt:
		return true, true
	case client.CheckoutSortPropertyCreatedAt:
		return false, true
	}
	return false, false
}

// indexedPage returns the page of lq and the number of matches, from the
// indexes. An exact plan costs O(limit + log n); another one walks the
// candidates. The caller holds mu.
func (h *Handler) indexedPage(plan listPlan, lq listQuery, limit int64) ([]*session, int64) {
	if plan.exact {
		total := int64(plan.source.len())
		if lq.page-1 >= (total+limit-1)/limit {
			return nil, total
		}
		return h.sessionsFrom(plan.source, int((lq.page-1)*limit), int(limit)), total
	}
	start := int64(math.MaxInt64)
	if lq.page-1 <= math.MaxInt64/limit {
		start = (lq.page - 1) * limit
	}
	var page []*session
	var total int64
	for k := range plan.source.from(0) {
		cs := h.store.byID[k.id]
		if !h.matches(cs, lq) {
			continue
		}
		if total >= start && int64(len(page)) < limit {
			page = append(page, cs)
		}
		total++
	}
	return page, total
}

// sessionsFrom returns up to limit sessions of u from position start.
// The caller holds mu.
func (h *Handler) sessionsFrom(u union, start, limit int) []*session {
	page := make([]*session, 0, min(limit, u.len()-start))
	for k := range u.from(start) {
		page = append(page, h.store.byID[k.id])
		if len(page) == limit {
			break
		}
	}
	return page
}

// scanPage returns the page of lq and the number of matches by refreshing,
// filtering and sorting every session: the answer to the queries the
// indexes do not serve, and the reference the indexes are tested against.
// The caller holds mu.
func (h *Handler) scanPage(lq listQuery, limit int64, now time.Time) ([]*session, int64) {
	var matched []*session
	for _, cs := range h.store.byID {
		cs = h.store.refresh(cs, now)
		if h.matches(cs, lq) {
			matched = append(matched, cs)
		}
	}
	slices.SortFunc(matched, func(a, b *session) int { return compareSessions(a, b, lq.sorting) })
	total := int64(len(matched))
	if lq.page-1 >= (total+limit-1)/limit {
		return nil, total
	}
	start := (lq.page - 1) * limit
	return matched[start:min(start+limit, total)], total
}

// matches applies the filters of a list request.
func (h *Handler) matches(cs *session, q listQuery) bool {
	if q.orgs != nil && !containsID(q.orgs, orgOf(h.product(cs).OrganizationID)) {
		return false
	}
	if q.products != nil && !containsID(q.products, cs.productID) {
		return false
	}
	if q.customers != nil && (cs.customerID == nil || !containsID(q.customers, *cs.customerID)) {
		return false
	}
	if q.externals != nil && (cs.externalCustomerID == nil || !slices.Contains(q.externals, *cs.externalCustomerID)) {
		return false
	}
	if q.statuses != nil && !slices.Contains(q.statuses, cs.status) {
		return false
	}
	if q.query != nil && (cs.customerEmail == nil || !strings.Contains(strings.ToLower(*cs.customerEmail), strings.ToLower(*q.query))) {
		return false
	}
	return true
}

// compareSessions orders by the sort keys in turn, then by ID so that
// pages are stable when the keys tie.
func compareSessions(a, b *session, keys []client.CheckoutSortProperty) int {
	for _, k := range keys {
		name, desc := strings.CutPrefix(string(k), "-")
		var c int
		switch name {
		case "created_at":
			c = a.createdAt.Compare(b.createdAt)
		case "expires_at":
			c = a.expiresAt.Compare(b.expiresAt)
		case "status":
			c = cmp.Compare(a.status, b.status)
		}
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return slices.Compare(a.id[:], b.id[:])
}

// parseListQuery validates the query parameters as FastAPI does. List
// parameters repeat their key; for the others the last value wins.
func parseListQuery(q url.Values) (listQuery, []verr) {
	var errs []verr
	lq := listQuery{page: 1, limit: 10, sorting: []client.CheckoutSortProperty{client.CheckoutSortPropertyMinusCreatedAt}}
	lq.orgs = uuidParams(q, "organization_id", &errs)
	lq.products = uuidParams(q, "product_id", &errs)
	lq.customers = uuidParams(q, "customer_id", &errs)
	if v, ok := q["external_customer_id"]; ok {
		lq.externals = v
	}
	statusValues := expectedList("open", "expired", "confirmed", "succeeded", "failed")
	for i, v := range q["status"] {
		if !client.CheckoutStatus(v).Valid() {
			errs = append(errs, verr{Type: "enum", Loc: []any{"query", "status", i}, Msg: "Input should be " + statusValues, Input: v, Ctx: map[string]any{"expected": statusValues}})
			continue
		}
		lq.statuses = append(lq.statuses, client.CheckoutStatus(v))
	}
	if v, ok := q["query"]; ok {
		lq.query = &v[len(v)-1]
	}
	lq.page = intParam(q, "page", lq.page, &errs)
	lq.limit = intParam(q, "limit", lq.limit, &errs)
	if v, ok := q["sorting"]; ok {
		sortValues := expectedList("created_at", "-created_at", "expires_at", "-expires_at", "status", "-status")
		lq.sorting = nil
		for i, s := range v {
			if !client.CheckoutSortProperty(s).Valid() {
				errs = append(errs, verr{Type: "enum", Loc: []any{"query", "sorting", i}, Msg: "Input should be " + sortValues, Input: s, Ctx: map[string]any{"expected": sortValues}})
				continue
			}
			lq.sorting = append(lq.sorting, client.CheckoutSortProperty(s))
		}
	}
	return lq, errs
}

// uuidParams reads a repeated UUID4 parameter; nil when absent.
func uuidParams(q url.Values, key string, errs *[]verr) []uuid.UUID {
	values, ok := q[key]
	if !ok {
		return nil
	}
	out := make([]uuid.UUID, 0, len(values))
	for i, v := range values {
		u, e := parseUUID4(v)
		if e != nil {
			e.Loc, e.Input = []any{"query", key, i}, v
			*errs = append(*errs, *e)
			continue
		}
		out = append(out, u)
	}
	return out
}

// intParam reads a positive integer parameter. A value too large for
// int64 is kept as the largest one: pydantic accepts it, and it then
// selects a page past the end (page) or the maximum (limit).
func intParam(q url.Values, key string, def int64, errs *[]verr) int64 {
	values, ok := q[key]
	if !ok {
		return def
	}
	v := values[len(values)-1]
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(strings.TrimSpace(v), "-"):
		return 1<<63 - 1
	case err != nil:
		*errs = append(*errs, verr{Type: "int_parsing", Loc: []any{"query", key}, Msg: "Input should be a valid integer, unable to parse string as an integer", Input: v})
	case n <= 0:
		*errs = append(*errs, verr{Type: "greater_than", Loc: []any{"query", key}, Msg: "Input should be greater than 0", Input: v, Ctx: map[string]any{"gt": 0}})
	default:
		return n
	}
	return def
}
