package editor

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// WSMessage is one websocket message (docs/EDITOR_API.md §9); Type and Time
// are always set, the other fields by type.
type WSMessage struct {
	Type       string   `json:"type"`
	Time       string   `json:"time"`
	RunID      string   `json:"run_id,omitempty"`
	Pipeline   string   `json:"pipeline,omitempty"`
	Block      string   `json:"block,omitempty"`
	Blocks     []string `json:"blocks,omitempty"`
	Mode       string   `json:"mode,omitempty"`
	Status     string   `json:"status,omitempty"`
	Line       *string  `json:"line,omitempty"`
	Rows       *int     `json:"rows,omitempty"`
	Cols       *int     `json:"cols,omitempty"`
	DurationMS *int64   `json:"duration_ms,omitempty"`
	Error      *Problem `json:"error,omitempty"`
	Path       string   `json:"path,omitempty"`
	Version    *string  `json:"version,omitempty"`
	Source     string   `json:"source,omitempty"`
	Project    string   `json:"project,omitempty"`
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// hub fans messages out to every connected websocket client. A client that
// cannot keep up is dropped rather than slowing the runs down.
type hub struct {
	mu      sync.Mutex
	clients map[*client]bool
}

type client struct {
	conn   *websocket.Conn
	send   chan []byte
	closed bool // guarded by hub.mu, like every send on send
}

// drop unregisters c and closes its queue; h.mu must be held.
func (h *hub) drop(c *client) {
	delete(h.clients, c)
	if !c.closed {
		c.closed = true
		close(c.send)
	}
}

// sendLocked queues b for c or drops c when its queue is full; h.mu must be held.
func (h *hub) sendLocked(c *client, b []byte) {
	if c.closed {
		return
	}
	select {
	case c.send <- b:
	default: // too slow: drop it; the page reconnects and refetches
		h.drop(c)
	}
}

func newHub() *hub { return &hub{clients: map[*client]bool{}} }

// broadcast sends m to every client without blocking.
func (h *hub) broadcast(m WSMessage) {
	if m.Time == "" {
		m.Time = stamp(time.Now())
	}
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		h.sendLocked(c, b)
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		h.drop(c)
	}
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// upgrader's Origin check is done by Server.secure before the upgrade.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 16 << 10,
	CheckOrigin:     func(*http.Request) bool { return true },
}

// serveWS upgrades to a websocket, greets with hello and pumps messages.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) error {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil // Upgrade already replied
	}
	c := &client{conn: conn, send: make(chan []byte, 1024)}
	hello := WSMessage{Type: "hello", Time: stamp(time.Now()), Version: ptr("1")}
	if p, _ := s.mustProject(); p != nil {
		hello.Project = p.Config.Name
	}
	b, _ := json.Marshal(hello)
	c.send <- b
	s.hub.mu.Lock()
	s.hub.clients[c] = true
	s.hub.mu.Unlock()

	go func() { // reader: pings, and noticing the client leave
		defer func() {
			s.hub.mu.Lock()
			s.hub.drop(c)
			s.hub.mu.Unlock()
		}()
		conn.SetReadLimit(4096)
		for {
			var in struct{ Type string }
			if err := conn.ReadJSON(&in); err != nil {
				return
			}
			if in.Type == "ping" {
				pong, _ := json.Marshal(WSMessage{Type: "pong", Time: stamp(time.Now())})
				s.hub.mu.Lock()
				s.hub.sendLocked(c, pong)
				s.hub.mu.Unlock()
			}
		}
	}()
	go func() { // writer
		defer conn.Close()
		ticker := time.NewTicker(30 * time.Second)
		defer ticker.Stop()
		for {
			select {
			case b, ok := <-c.send:
				conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if !ok {
					conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
					return
				}
				if err := conn.WriteMessage(websocket.TextMessage, b); err != nil {
					return
				}
			case <-ticker.C:
				conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if err := conn.WriteMessage(websocket.PingMessage, nil); err != nil {
					return
				}
			}
		}
	}()
	return nil
}

func ptr[T any](v T) *T { return &v }
