package paysig_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// The shared vector files, run through tests/conformance/run.sh go FILE
// (which runs cmd/conformance) and judged by FORMAT.md's rule: every
// field of expect equals the output's, or the expected error code (and
// status and message, when given) was reported.
func TestVectorsThroughTheRunner(t *testing.T) {
	files, err := filepath.Glob("../tests/vectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			var vectors struct {
				Scheme string `json:"scheme"`
				Cases  []struct {
					Name   string         `json:"name"`
					Expect map[string]any `json:"expect"`
				} `json:"cases"`
			}
			readJSON(t, file, &vectors)
			cmd := exec.Command("bash", "../tests/conformance/run.sh", "go", file)
			cmd.Stderr = os.Stderr
			stdout, err := cmd.Output()
			if err != nil {
				t.Fatalf("runner: %v", err)
			}
			var report struct {
				Scheme string `json:"scheme"`
				Cases  []struct {
					Name   string         `json:"name"`
					Output map[string]any `json:"output"`
					Error  map[string]any `json:"error"`
				} `json:"cases"`
			}
			if err := json.Unmarshal(stdout, &report); err != nil {
				t.Fatalf("runner output is not JSON: %v", err)
			}
			if report.Scheme != vectors.Scheme {
				t.Fatalf("scheme %q, want %q", report.Scheme, vectors.Scheme)
			}
			byName := map[string]int{}
			for i, c := range report.Cases {
				byName[c.Name] = i
			}
			for _, c := range vectors.Cases {
				i, ok := byName[c.Name]
				if !ok {
					t.Errorf("%s: not reported", c.Name)
					continue
				}
				got := report.Cases[i]
				if code, refused := c.Expect["error"]; refused {
					for field, want := range map[string]any{"code": code, "status": c.Expect["status"], "message": c.Expect["message"]} {
						if want != nil && !reflect.DeepEqual(got.Error[field], want) {
							t.Errorf("%s: error %s = %v, want %v", c.Name, field, got.Error[field], want)
						}
					}
					continue
				}
				for field, want := range c.Expect {
					if !reflect.DeepEqual(got.Output[field], want) {
						t.Errorf("%s: %s = %v, want %v (error %v)", c.Name, field, got.Output[field], want, got.Error)
					}
				}
			}
		})
	}
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(text, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// vectorCase returns the input and expect objects of case index of a
// vector file (expected values come only from these files).
func vectorCase(t testing.TB, name string, index int) (input, expect map[string]any) {
	t.Helper()
	var file struct {
		Cases []struct {
			Input  map[string]any `json:"input"`
			Expect map[string]any `json:"expect"`
		} `json:"cases"`
	}
	readJSON(t, filepath.Join("..", "tests", "vectors", name+".json"), &file)
	return file.Cases[index].Input, file.Cases[index].Expect
}
