package frame

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// download fetches url with a per-attempt timeout, retrying network errors,
// 5xx and 429 responses with exponential backoff.
func download(url string, opts ReadOptions) ([]byte, error) {
	client := &http.Client{Timeout: opts.Timeout}
	delay := opts.RetryDelay
	var lastErr error
	attempts := 0
	for attempt := 0; attempt <= opts.Retries; attempt++ {
		attempts++
		if attempt > 0 {
			time.Sleep(delay)
			delay *= 2
		}
		data, retry, err := fetch(client, url)
		if err == nil {
			return data, nil
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

func fetch(client *http.Client, url string) (data []byte, retry bool, err error) {
	resp, err := client.Get(url)
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
		data = make([]byte, 0, resp.ContentLength)
	}
	buf := bytesBuffer{b: data}
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		return nil, true, err
	}
	return buf.b, false, nil
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
