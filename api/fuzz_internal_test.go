package api

import (
	"errors"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

// FuzzDecodeBody reads anything as every request body the API takes: it
// decodes or answers a coded problem (400 or 413), never panics, and what
// it accepts has only valid UTF-8 text.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"a","name":"b"}`, `{"Name":"a"}`, `{"option":1e400}`, `{"evidence":{"note":"\u0000"}}`,
		"{\"name\":\"\xff\"}", `{"schedule":[{"phase":"penjaringan","start":"2025-06-20"}]}`, `{"speakers":null}`, `[]`, `{} {}`, `{"perbatasan":true}`} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return &innovationRequest{} }, func() any { return &stageRequest{} }, func() any { return &withdrawRequest{} },
		func() any { return &replicationRequest{} }, func() any { return &answerRequest{} }, func() any { return &verificationRequest{} },
		func() any { return &rejectionRequest{} }, func() any { return &bimtekRequest{} }, func() any { return &attendanceRequest{} },
		func() any { return &periodRequest{} }, func() any { return &regionRequest{} }, func() any { return &exportRequest{} },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			err := decodeBody(body, target())
			if err == nil {
				continue
			}
			var de *domain.Error
			if !errors.As(err, &de) || (de.Code != codeMalformed && de.Code != domain.CodeTooLarge) {
				t.Fatalf("%T: %v is not a coded problem", target(), err)
			}
		}
	})
}
