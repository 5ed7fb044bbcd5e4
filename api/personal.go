package api

import (
	"context"
	"errors"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// openAttendees fills the personal fields of attendees for a reader that
// may see them (domain.ActionReadPersonal): opened with the subject's key,
// or "[dihapus]" when the key was destroyed. Without a vault nothing is
// opened.
func (s *Server) openAttendees(ctx context.Context, attendees []index.Attendee) error {
	if s.cfg.People == nil {
		return nil
	}
	for i := range attendees {
		a := &attendees[i]
		p, err := s.cfg.People.Open(ctx, a.Sealed)
		switch {
		case errors.Is(err, domain.ErrErased):
			a.Name, a.NIP = domain.ErasedText, domain.ErasedText
			if a.Sealed.Position != "" {
				a.Position = domain.ErasedText
			}
			if a.Sealed.Contact != "" {
				a.Contact = domain.ErasedText
			}
		case err != nil:
			return err
		default:
			a.Name, a.NIP, a.Position, a.Contact = p.Name, p.NIP, p.Position, p.Contact
		}
	}
	return nil
}
