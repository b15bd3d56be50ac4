package conn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/secret"
)

// API is an http profile: a base URL with the headers and authentication of every request.
type API struct {
	name   string
	where  string
	base   *url.URL
	p      *projects.Connection
	bctx   *blocks.Context
	client *http.Client
}

// HTTP opens the http profile name of the project.
func HTTP(ctx *blocks.Context, name string) (*API, error) {
	p, err := secret.Profile(ctx.ProjectDir(), name, projects.HTTP)
	if err != nil {
		return nil, err
	}
	where := p.Where(name)
	base, err := url.Parse(p.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("%s: base_url %q is not an http(s) URL", where, p.BaseURL)
	}
	timeout := p.Timeout.D()
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	return &API{name: name, where: where, base: base, p: p, bctx: ctx, client: &http.Client{Timeout: timeout}}, nil
}

// resolve turns a path (relative to the base URL) or an absolute URL into a URL.
func (a *API) resolve(path string) (*url.URL, error) {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return url.Parse(path)
	}
	u := *a.base
	rel, err := url.Parse(strings.TrimLeft(path, "/"))
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/" + rel.Path
	q := u.Query()
	for k, vs := range rel.Query() {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return &u, nil
}

// Get sends GET path (relative to the base URL, or absolute) with query parameters and returns the
// decoded JSON (maps, slices, json.Number, strings, bools, nil).
func (a *API) Get(path string, query map[string]string) (any, error) {
	u, err := a.resolve(path)
	if err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w", a.where, path, err)
	}
	if len(query) > 0 {
		q := u.Query()
		for k, v := range query {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	return a.get(u)
}

func (a *API) get(u *url.URL) (any, error) {
	req, err := http.NewRequestWithContext(a.bctx.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w", a.where, u.Redacted(), err)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range a.p.Headers {
		req.Header.Set(k, v)
	}
	if au := a.p.Auth; au != nil {
		if au.Bearer != "" {
			req.Header.Set("Authorization", "Bearer "+au.Bearer)
		} else if au.User != "" || au.Password != "" {
			req.SetBasicAuth(au.User, au.Password)
		}
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w", a.where, u.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30))
	if err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w", a.where, u.Redacted(), err)
	}
	if resp.StatusCode/100 != 2 {
		snippet := strings.TrimSpace(string(body))
		if len(snippet) > 200 {
			snippet = snippet[:200] + "…"
		}
		return nil, fmt.Errorf("%s: GET %s: %w: %s: %s", a.where, u.Redacted(), ErrHTTP, resp.Status, snippet)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w: %v", a.where, u.Redacted(), ErrJSON, err)
	}
	return v, nil
}

// Paging says where the records are in a JSON response and how to get the next page.
type Paging struct {
	// Query holds the first request's query parameters.
	Query map[string]string
	// Records is the dotted path of the records array in a response ("data", "result.items");
	// empty means the response is the array.
	Records string
	// Next is the dotted path of the next page's URL ("next", "links.next"), absolute or relative
	// to the request; a missing, null or empty value ends the listing.
	Next string
	// PageParam is a page-number query parameter ("page"): pages count up from PageStart
	// (default 1) until one has no records. Use Next or PageParam, not both.
	PageParam string
	PageStart int
	// MaxPages stops after this many pages (default 1000).
	MaxPages int
}

// GetJSON GETs path and turns the records of every page into one frame: a column per key (the first
// record's keys sorted, then keys that later records add), typed int64, float64, bool or string (nested objects and arrays as
// their JSON text, values of mixed types as text); a missing key or null is a null.
func (a *API) GetJSON(path string, o Paging) (*frame.Frame, error) {
	start := time.Now()
	if o.Next != "" && o.PageParam != "" {
		return nil, fmt.Errorf("%s: GetJSON: set Paging.Next or Paging.PageParam, not both", a.where)
	}
	maxPages := o.MaxPages
	if maxPages <= 0 {
		maxPages = 1000
	}
	page := o.PageStart
	if page == 0 {
		page = 1
	}
	u, err := a.resolve(path)
	if err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w", a.where, path, err)
	}
	q := u.Query()
	for k, v := range o.Query {
		q.Set(k, v)
	}
	if o.PageParam != "" {
		q.Set(o.PageParam, strconv.Itoa(page))
	}
	u.RawQuery = q.Encode()
	var records []map[string]any
	var order []string
	seen := map[string]bool{}
	pages := 0
	for pages < maxPages {
		doc, err := a.get(u)
		if err != nil {
			return nil, err
		}
		pages++
		raw, ok := lookup(doc, o.Records)
		list, isList := raw.([]any)
		if !ok || (!isList && raw != nil) {
			return nil, fmt.Errorf("%s: GET %s: %w: no array at %q", a.where, u.Redacted(), ErrJSON, o.Records)
		}
		for i, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: GET %s: %w: record %d is not an object", a.where, u.Redacted(), ErrJSON, len(records)+i+1)
			}
			var fresh []string
			for k := range m {
				if !seen[k] {
					seen[k] = true
					fresh = append(fresh, k)
				}
			}
			sort.Strings(fresh) // a decoded object has no key order: sorted, so runs agree
			order = append(order, fresh...)
			records = append(records, m)
		}
		var next *url.URL
		switch {
		case o.Next != "":
			nv, _ := lookup(doc, o.Next)
			s, _ := nv.(string)
			if s == "" {
				break
			}
			ref, err := url.Parse(s)
			if err != nil {
				return nil, fmt.Errorf("%s: GET %s: next link %q: %w", a.where, u.Redacted(), s, err)
			}
			next = u.ResolveReference(ref)
		case o.PageParam != "":
			if len(list) == 0 {
				break
			}
			page++
			nu := *u
			nq := nu.Query()
			nq.Set(o.PageParam, strconv.Itoa(page))
			nu.RawQuery = nq.Encode()
			next = &nu
		}
		if next == nil {
			break
		}
		u = next
	}
	f, err := recordsFrame(records, order)
	if err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w", a.where, path, err)
	}
	a.bctx.Logf("%s: read %d records from %d page(s) in %s", a.name, f.NumRows(), pages, time.Since(start).Round(time.Millisecond))
	return f, nil
}

// lookup follows a dotted path ("a.b.c") through JSON objects; "" is v itself.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

// recordsFrame builds a frame from JSON objects, one column per key in cols.
func recordsFrame(records []map[string]any, cols []string) (*frame.Frame, error) {
	series := make([]*frame.Series, 0, len(cols))
	n := len(records)
	for _, name := range cols {
		kind := "" // "", bool, int, float, string, text (mixed or nested)
		for _, r := range records {
			v, ok := r[name]
			if !ok || v == nil {
				continue
			}
			var k string
			switch x := v.(type) {
			case bool:
				k = "bool"
			case json.Number:
				k = "int"
				if _, err := x.Int64(); err != nil {
					k = "float"
				}
			case string:
				k = "string"
			default:
				k = "text"
			}
			switch {
			case kind == "":
				kind = k
			case kind == k:
			case (kind == "int" && k == "float") || (kind == "float" && k == "int"):
				kind = "float"
			default:
				kind = "text"
			}
		}
		valid := make([]bool, n)
		var s *frame.Series
		switch kind {
		case "bool":
			v := make([]bool, n)
			for i, r := range records {
				if b, ok := r[name].(bool); ok {
					v[i], valid[i] = b, true
				}
			}
			s = frame.NewBools(name, v)
		case "int":
			v := make([]int64, n)
			for i, r := range records {
				if x, ok := r[name].(json.Number); ok {
					v[i], _ = x.Int64()
					valid[i] = true
				}
			}
			s = frame.NewInts(name, v)
		case "float":
			v := make([]float64, n)
			for i, r := range records {
				if x, ok := r[name].(json.Number); ok {
					v[i], _ = x.Float64()
					valid[i] = true
				}
			}
			s = frame.NewFloats(name, v)
		default:
			v := make([]string, n)
			for i, r := range records {
				switch x := r[name].(type) {
				case nil:
				case string:
					v[i], valid[i] = x, true
				case json.Number:
					v[i], valid[i] = x.String(), true
				default:
					b, _ := json.Marshal(x)
					v[i], valid[i] = string(b), true
				}
			}
			s = frame.NewStrings(name, v)
		}
		series = append(series, s.WithNulls(valid))
	}
	return frame.New(series...)
}
