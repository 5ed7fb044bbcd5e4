package natsinfra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go"
)

// JetStream's stream snapshot and restore API ($JS.API.STREAM.SNAPSHOT and
// RESTORE), which nats.go's jetstream package does not wrap. It is what
// `nats stream backup` and `nats stream restore` use: the server writes a
// consistent snapshot of the stream's files (an s2-compressed tar) while the
// stream keeps accepting messages, and sends it in chunks under flow
// control; a restore sends the chunks back and the server rebuilds the
// stream from them.

// StreamSnapshot is what the server says about a stream it snapshots: its
// configuration and its state at the snapshot, as the server's JSON.
type StreamSnapshot struct {
	Config json.RawMessage `json:"config"`
	State  json.RawMessage `json:"state"`
}

// LastSeq is the last sequence the snapshot holds.
func (s StreamSnapshot) LastSeq() uint64 {
	var st struct {
		LastSeq uint64 `json:"last_seq"`
	}
	_ = json.Unmarshal(s.State, &st)
	return st.LastSeq
}

type apiError struct {
	Code        int    `json:"code"`
	ErrCode     int    `json:"err_code"`
	Description string `json:"description"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s (%d, err_code %d)", e.Description, e.Code, e.ErrCode)
}

// SnapshotStream writes a snapshot of stream to w. It blocks until the
// server has sent the whole snapshot; consumers are left out (Jejak's are
// ephemeral or recreated by the reactors).
func SnapshotStream(ctx context.Context, nc *nats.Conn, stream string, w io.Writer) (StreamSnapshot, error) {
	inbox := nats.NewInbox()
	chunks := make(chan *nats.Msg, 64)
	sub, err := nc.ChanSubscribe(inbox, chunks)
	if err != nil {
		return StreamSnapshot{}, err
	}
	defer sub.Unsubscribe()
	req, _ := json.Marshal(map[string]any{"deliver_subject": inbox, "no_consumers": true, "chunk_size": 512 * 1024})
	res, err := nc.RequestWithContext(ctx, "$JS.API.STREAM.SNAPSHOT."+stream, req)
	if err != nil {
		return StreamSnapshot{}, fmt.Errorf("snapshot %s: %w", stream, err)
	}
	var resp struct {
		StreamSnapshot
		Error *apiError `json:"error"`
	}
	if err := json.Unmarshal(res.Data, &resp); err != nil {
		return StreamSnapshot{}, fmt.Errorf("snapshot %s: %w", stream, err)
	}
	if resp.Error != nil {
		return StreamSnapshot{}, fmt.Errorf("snapshot %s: %w", stream, resp.Error)
	}
	idle := time.NewTimer(time.Minute)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return StreamSnapshot{}, ctx.Err()
		case <-idle.C:
			return StreamSnapshot{}, fmt.Errorf("snapshot %s: the server sent nothing for a minute", stream)
		case m := <-chunks:
			idle.Reset(time.Minute)
			if len(m.Data) == 0 && m.Reply == "" {
				// The end: status 204, or an error status.
				if status := m.Header.Get("Status"); status != "" && status != "204" {
					return StreamSnapshot{}, fmt.Errorf("snapshot %s: server status %s %s", stream, status, m.Header.Get("Description"))
				}
				return resp.StreamSnapshot, nil
			}
			if _, err := w.Write(m.Data); err != nil {
				return StreamSnapshot{}, err
			}
			if m.Reply != "" {
				if err := nc.Publish(m.Reply, nil); err != nil { // flow control: the chunk is in
					return StreamSnapshot{}, err
				}
			}
		}
	}
}

// RestoreStream recreates a stream from a snapshot read from r. The
// stream must not exist. config replaces the snapshot's configuration when
// set (e.g. another replica count).
func RestoreStream(ctx context.Context, nc *nats.Conn, stream string, snap StreamSnapshot, r io.Reader) error {
	req, _ := json.Marshal(snap)
	res, err := nc.RequestWithContext(ctx, "$JS.API.STREAM.RESTORE."+stream, req)
	if err != nil {
		return fmt.Errorf("restore %s: %w", stream, err)
	}
	var resp struct {
		DeliverSubject string    `json:"deliver_subject"`
		Error          *apiError `json:"error"`
	}
	if err := json.Unmarshal(res.Data, &resp); err != nil {
		return fmt.Errorf("restore %s: %w", stream, err)
	}
	if resp.Error != nil {
		return fmt.Errorf("restore %s: %w", stream, resp.Error)
	}
	buf := make([]byte, 512*1024)
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			ack, rerr := nc.RequestWithContext(ctx, resp.DeliverSubject, buf[:n])
			if rerr != nil {
				return fmt.Errorf("restore %s: %w", stream, rerr)
			}
			if len(ack.Data) > 0 {
				var e struct {
					Error *apiError `json:"error"`
				}
				if json.Unmarshal(ack.Data, &e) == nil && e.Error != nil {
					return fmt.Errorf("restore %s: %w", stream, e.Error)
				}
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	// An empty chunk ends the restore; the server answers when the stream
	// is rebuilt.
	done, err := nc.RequestWithContext(ctx, resp.DeliverSubject, nil)
	if err != nil {
		return fmt.Errorf("restore %s: %w", stream, err)
	}
	var created struct {
		Error *apiError `json:"error"`
	}
	if err := json.Unmarshal(done.Data, &created); err != nil {
		return fmt.Errorf("restore %s: %w", stream, err)
	}
	if created.Error != nil {
		return fmt.Errorf("restore %s: %w", stream, created.Error)
	}
	return nil
}

// StreamNames lists the streams of the account.
func StreamNames(ctx context.Context, nc *nats.Conn) ([]string, error) {
	var names []string
	for offset := 0; ; {
		req, _ := json.Marshal(map[string]int{"offset": offset})
		res, err := nc.RequestWithContext(ctx, "$JS.API.STREAM.NAMES", req)
		if err != nil {
			return nil, fmt.Errorf("stream names: %w", err)
		}
		var page struct {
			Total   int       `json:"total"`
			Streams []string  `json:"streams"`
			Error   *apiError `json:"error"`
		}
		if err := json.Unmarshal(res.Data, &page); err != nil {
			return nil, err
		}
		if page.Error != nil {
			return nil, fmt.Errorf("stream names: %w", page.Error)
		}
		names = append(names, page.Streams...)
		offset += len(page.Streams)
		if len(page.Streams) == 0 || offset >= page.Total {
			return names, nil
		}
	}
}

// DeleteStream deletes a stream and everything in it.
func DeleteStream(ctx context.Context, nc *nats.Conn, stream string) error {
	res, err := nc.RequestWithContext(ctx, "$JS.API.STREAM.DELETE."+stream, nil)
	if err != nil {
		return fmt.Errorf("delete %s: %w", stream, err)
	}
	var resp struct {
		Error *apiError `json:"error"`
	}
	if err := json.Unmarshal(res.Data, &resp); err != nil {
		return err
	}
	if resp.Error != nil {
		return fmt.Errorf("delete %s: %w", stream, resp.Error)
	}
	return nil
}
