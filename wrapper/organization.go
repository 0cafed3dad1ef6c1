package polar

import (
	"fmt"

	"github.com/google/uuid"
)

// WithOrganization sends the Polar-Organization header, which names the
// organization a request acts for when the credentials can act for
// several (OAuth2 tokens, personal access tokens), as the organizationId
// option of Polar's TypeScript SDK does. An organization access token
// already belongs to one organization and needs none. id must be a UUID
// in canonical form and not the zero UUID (an unset ID); anything else is
// refused with [ErrInvalidArgument] before a request is made. It applies
// to the client or to one call.
func WithOrganization(id string) Option {
	u, err := uuid.Parse(id)
	if err == nil && len(id) != 36 {
		err = fmt.Errorf("not in canonical form")
	}
	return func(c *config) error {
		if err != nil {
			return invalidOption("WithOrganization", fmt.Sprintf("%s is not a UUID", describeInput(id)))
		}
		if u == uuid.Nil {
			return invalidOption("WithOrganization", "the zero UUID (an unset ID?)")
		}
		c.organization = u.String()
		return nil
	}
}

// Organization returns the organization the client names in the
// Polar-Organization header, or "" if none.
func (c *Client) Organization() string { return c.cfg.organization }
