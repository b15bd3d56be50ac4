package editor

import "testing"

func TestHub_SlowClientIsDroppedNotWaitedFor(t *testing.T) {
	h := newHub()
	slow := &client{send: make(chan []byte, 2)}
	fast := &client{send: make(chan []byte, 100)}
	h.clients[slow], h.clients[fast] = true, true
	for range 10 {
		h.broadcast(WSMessage{Type: "block_log"})
	}
	if h.count() != 1 || !slow.closed || fast.closed || len(fast.send) != 10 {
		t.Fatalf("clients %d, slow closed %v, fast closed %v, fast queued %d", h.count(), slow.closed, fast.closed, len(fast.send))
	}
	h.broadcast(WSMessage{Type: "block_log"}) // nothing is sent to a dropped client
	h.closeAll()
	if !fast.closed || h.count() != 0 {
		t.Fatal("closeAll left clients")
	}
}
