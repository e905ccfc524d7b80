package trace

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEmptyMessageIDIsRefused: a Message-ID with nothing inside its angle
// brackets and spaces would be searched for as "" and name every message
// that has no Message-ID; the seed is refused, its error quoting the input.
func TestEmptyMessageIDIsRefused(t *testing.T) {
	for _, id := range []string{"<>", "<", ">", " ", " <> ", "< >", "\t<>\t"} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			err := Seed{MessageID: id}.Validate()
			require.True(t, errors.Is(err, ErrEmptyMessageID), "%v", err)
			require.Contains(t, err.Error(), strconv.Quote(id))
		})
	}
	for _, id := range []string{"<a@b>", "a@b", " <a@b> ", "<a@b"} {
		require.NoError(t, Seed{MessageID: id}.Validate(), id)
		require.Equal(t, "a@b", bareID(id), id)
	}
	require.ErrorIs(t, Seed{MessageID: "<>", Tag: "x"}.Validate(), ErrManySeeds,
		"two seeds are two seeds, whatever one of them holds")
}
