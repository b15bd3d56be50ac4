package jsonvalue

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

type inner struct {
	Score float64 `json:"score"`
}

type Embedded struct {
	Depth float64
}

type sample struct {
	Embedded
	Name    string             `json:"name"`
	Metrics map[string]float64 `json:"metrics"`
	Curve   []float64          `json:"curve,omitempty"`
	Skip    float64            `json:"-"`
	Opt     *inner             `json:"opt,omitempty"`
	When    time.Time          `json:"when"`
	ByCode  map[int]float32    `json:"by_code"`
	private float64
}

func TestMarshal_FiniteValuesMatchEncodingJSON(t *testing.T) {
	for name, v := range map[string]any{
		"map":    map[string]float64{"b": 1.5, "a": 1e-9, "c": 1e21},
		"struct": sample{Name: "x", Metrics: map[string]float64{"auc": 0.5}, Embedded: Embedded{2}, ByCode: map[int]float32{3: 0.1}},
		"nil":    nil,
		"slice":  []float64{0, -0.25, 123456789},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Marshal(v)
			if err != nil || string(got) != string(want) {
				t.Fatalf("Marshal = %s, %v; want %s", got, err, want)
			}
		})
	}
}

func TestMarshal_NonFiniteFloatsBecomeStrings(t *testing.T) {
	when := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"metrics map", map[string]float64{"auc": math.NaN(), "acc": 0.75, "up": math.Inf(1), "down": math.Inf(-1)},
			`{"acc":0.75,"auc":"NaN","down":"-Infinity","up":"Infinity"}`},
		{"slice", []float64{1, math.NaN(), 1e-9}, `[1,"NaN",1e-9]`},
		{"float32 array", [2]float32{float32(math.Inf(1)), 0.1}, `["Infinity",0.1]`},
		{"pointer to map", &map[string]float64{"x": math.NaN()}, `{"x":"NaN"}`},
		{"any map", map[string]any{"n": 1, "s": "t", "f": math.NaN(), "nested": []any{math.Inf(-1)}},
			`{"f":"NaN","n":1,"nested":["-Infinity"],"s":"t"}`},
		{"struct with tags, embedded, omitempty, time, int keys",
			sample{Name: "m", Metrics: map[string]float64{"auc": math.NaN()}, Skip: math.NaN(), When: when,
				Embedded: Embedded{math.Inf(1)}, ByCode: map[int]float32{10: 1, 2: float32(math.NaN())}, private: math.NaN()},
			`{"Depth":"Infinity","name":"m","metrics":{"auc":"NaN"},"when":"2023-01-02T03:04:05Z","by_code":{"10":1,"2":"NaN"}}`},
		{"pointer field", struct {
			P *inner `json:"p"`
		}{&inner{math.NaN()}}, `{"p":{"score":"NaN"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("Marshal = %s\nwant        %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON %s", got)
			}
		})
	}
}

func TestMarshal_MarshalerErrorsStay(t *testing.T) {
	// A type with its own MarshalJSON decides for itself: its error is returned.
	if _, err := Marshal(map[string]json.Marshaler{"x": failing{}}); err == nil {
		t.Fatal("want the Marshaler's error")
	}
	if _, err := Marshal(make(chan int)); err == nil {
		t.Fatal("want an error for a channel")
	}
}

type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return json.Marshal(math.NaN()) }

func TestUnmarshal_RoundTrip(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	t.Run("metrics map", func(t *testing.T) {
		in := map[string]float64{"auc": nan, "up": inf, "down": -inf, "acc": 0.5}
		b, _ := Marshal(in)
		var out map[string]float64
		if err := Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(out["auc"]) || out["up"] != inf || out["down"] != -inf || out["acc"] != 0.5 || len(out) != 4 {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("struct", func(t *testing.T) {
		in := sample{Name: "m", Metrics: map[string]float64{"auc": nan}, Curve: []float64{1, -inf},
			Opt: &inner{nan}, Embedded: Embedded{inf}, ByCode: map[int]float32{7: float32(nan)}}
		b, err := Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out sample
		if err := Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if out.Name != "m" || !math.IsNaN(out.Metrics["auc"]) || out.Curve[0] != 1 || out.Curve[1] != -inf ||
			!math.IsNaN(out.Opt.Score) || out.Depth != inf || !math.IsNaN(float64(out.ByCode[7])) {
			t.Fatalf("got %+v", out)
		}
	})
	t.Run("interface keeps strings", func(t *testing.T) {
		var out any
		if err := Unmarshal([]byte(`{"a":"NaN","b":2}`), &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out, map[string]any{"a": "NaN", "b": 2.0}) {
			t.Fatalf("got %#v", out)
		}
	})
	t.Run("other errors stay", func(t *testing.T) {
		var out map[string]float64
		if err := Unmarshal([]byte(`{"a":"NaN","b":"x"}`), &out); err == nil {
			t.Fatalf("want an error, got %v", out)
		}
		var s string
		if err := Unmarshal([]byte(`3`), &s); err == nil {
			t.Fatal("want an error")
		}
	})
}
