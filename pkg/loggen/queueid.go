package loggen

import "math/rand/v2"

// longAlphabet is Postfix's base-52 alphabet for long queue IDs: digits and
// consonants. Its last letter, 'z', is left out of the inode part, so the last 'z'
// of an ID separates the time from the inode number.
const longAlphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"

const hexDigits = "0123456789ABCDEF"

// queueID returns a new queue ID for a queue file the host creates at time us
// (microseconds since the epoch). Like Postfix it is made of the time and the
// queue file's inode number; the inode only grows, so IDs never repeat on a host.
func (h *host) queueID(r *rand.Rand, us int64) string {
	h.inode += 1 + uint64(r.IntN(12))
	if h.long {
		return longQueueID(us, h.inode)
	}
	return shortQueueID(us, h.inode)
}

// shortQueueID is five hex digits of the microseconds and the inode in hex.
func shortQueueID(us int64, inode uint64) string {
	var b [24]byte
	n := appendPadded(b[:0], uint64(us%1e6), 16, 5, hexDigits)
	n = appendPadded(n, inode, 16, 1, hexDigits)
	return string(n)
}

// longQueueID is the seconds in six base-52 digits, the microseconds in four,
// a 'z' and the inode in base 51.
func longQueueID(us int64, inode uint64) string {
	var b [32]byte
	n := appendPadded(b[:0], uint64(us/1e6), 52, 6, longAlphabet)
	n = appendPadded(n, uint64(us%1e6), 52, 4, longAlphabet)
	n = append(n, 'z')
	n = appendPadded(n, inode, 51, 1, longAlphabet)
	return string(n)
}

// appendPadded appends v in the given base, at least width digits long.
func appendPadded(b []byte, v, base uint64, width int, digits string) []byte {
	var tmp [24]byte
	i := len(tmp)
	for v > 0 || len(tmp)-i < width {
		i--
		tmp[i] = digits[v%base]
		v /= base
	}
	return append(b, tmp[i:]...)
}
