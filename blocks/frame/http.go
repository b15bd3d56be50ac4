package frame

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// download fetches url with a per-attempt timeout, retrying network errors,
// 5xx and 429 responses with exponential backoff. It stops, download and
// backoff alike, as soon as opts.Context is done.
func download(url string, opts ReadOptions) ([]byte, error) {
	ctx := opts.Context
	client := &http.Client{Timeout: opts.Timeout}
	delay := opts.RetryDelay
	var lastErr error
	attempts := 0
	for attempt := 0; attempt <= opts.Retries; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
			delay *= 2
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("download stopped: %w", context.Cause(ctx))
		}
		attempts++
		data, retry, err := fetch(ctx, client, url)
		if err == nil {
			return data, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("download stopped: %w", context.Cause(ctx))
		}
		lastErr = err
		if !retry {
			break
		}
	}
	if attempts > 1 {
		return nil, fmt.Errorf("download (after %d attempts): %w", attempts, lastErr)
	}
	return nil, fmt.Errorf("download: %w", lastErr)
}

func fetch(ctx context.Context, client *http.Client, url string) (data []byte, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, true, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		retry = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return nil, retry, fmt.Errorf("HTTP %s", resp.Status)
	}
	if resp.ContentLength > 0 {
		// Room for the declared length, up to maxPrealloc: a wrong or hostile header
		// does not reserve gigabytes before a byte arrives.
		data = make([]byte, 0, min(resp.ContentLength, maxPrealloc))
	}
	buf := bytesBuffer{b: data}
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		return nil, true, err
	}
	return buf.b, false, nil
}

// maxPrealloc bounds the buffer reserved from a response's Content-Length.
const maxPrealloc = 256 << 20

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
