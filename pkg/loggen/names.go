package loggen

import (
	"math/rand/v2"
	"strconv"
)

var (
	firstNames = []string{"anna", "ben", "carla", "dev", "emil", "fatima", "greta", "hugo",
		"ines", "jonas", "kim", "lena", "marco", "nora", "oskar", "paula", "quinn", "rosa",
		"sami", "tara", "ugo", "vera", "wim", "xenia", "yusuf", "zoe"}
	lastNames = []string{"berg", "costa", "dahl", "eriksen", "fischer", "garcia", "haas",
		"ito", "jansen", "kowalski", "lund", "moreau", "nagy", "olsen", "petrov", "quist",
		"rossi", "silva", "tanaka", "ueda", "vogel", "weber", "young", "zimmer"}
	syllables = []string{"ac", "bel", "cor", "dun", "el", "far", "gal", "hol", "in", "jor",
		"kel", "lum", "mar", "nor", "ol", "pen", "quar", "ros", "sil", "tor", "ul", "ven",
		"wes", "xan", "yor", "zel"}
	externalTLDs = []string{".example", ".test", ".example.com", ".example.org"}
	senderLocals = []string{"newsletter", "noreply", "billing", "info", "support", "orders"}
	aliasLocals  = []string{"info", "sales", "support", "office", "jobs", "press"}
	localDomains = []string{"example.com", "example.org", "corp.example.net"}
	subjectHeads = []string{"Re: ", "Fwd: ", "", "", "", "AW: ", "[list] "}
	subjectWords = []string{"invoice", "meeting", "report", "update", "order", "draft",
		"question", "schedule", "contract", "photos", "weekly", "notes", "offer", "budget",
		"review", "travel", "agenda", "minutes", "delivery", "account"}
	replyShapes = []string{"250 2.0.0 Ok: queued as ", "250 2.0.0 OK ", "250 OK id=",
		"250 2.6.0 Queued mail for delivery "}
)

// user is a mailbox on one of the store hosts.
type user struct {
	address string
	store   int
	sieve   bool // has a Sieve script, so Dovecot logs the sieve grammar
}

// extDomain is a domain outside the system, with the host that sends its mail
// and the one that receives it.
type extDomain struct {
	name       string
	clientName string
	clientIP   string
	mxName     string
	mxIP       string
}

// names holds the fixed populations of users, aliases and outside domains that
// messages are drawn from.
type names struct {
	users   []user
	aliases map[string]int // alias address -> index into users
	aliasOf []string       // the alias addresses, in a fixed order
	ext     []extDomain
	tokenX  uint64
}

func newNames(r *rand.Rand, stores int) *names {
	n := &names{aliases: map[string]int{}, tokenX: r.Uint64() & (1<<48 - 1)}
	n.users = makeUsers(r, 3000, stores)
	for _, d := range localDomains {
		for _, l := range aliasLocals {
			a := l + "@" + d
			n.aliases[a] = r.IntN(len(n.users))
			n.aliasOf = append(n.aliasOf, a)
		}
	}
	n.ext = makeExtDomains(r, 150)
	return n
}

func makeUsers(r *rand.Rand, count, stores int) []user {
	seen := map[string]bool{}
	users := make([]user, 0, count)
	for len(users) < count {
		local := pick(r, firstNames) + "." + pick(r, lastNames)
		if r.IntN(3) == 0 {
			local += strconv.Itoa(r.IntN(100))
		}
		a := local + "@" + pick(r, localDomains)
		if seen[a] {
			continue
		}
		seen[a] = true
		users = append(users, user{address: a, store: r.IntN(stores), sieve: r.IntN(2) == 0})
	}
	return users
}

func makeExtDomains(r *rand.Rand, count int) []extDomain {
	seen := map[string]bool{}
	out := make([]extDomain, 0, count)
	for len(out) < count {
		name := pick(r, syllables) + pick(r, syllables) + pick(r, externalTLDs)
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, extDomain{
			name:       name,
			clientName: clientName(r, name),
			clientIP:   publicIP(r),
			mxName:     "mx" + strconv.Itoa(1+r.IntN(3)) + "." + name,
			mxIP:       publicIP(r),
		})
	}
	return out
}

func clientName(r *rand.Rand, dom string) string {
	switch r.IntN(5) {
	case 0:
		return "unknown"
	case 1:
		return "mail-out" + strconv.Itoa(r.IntN(40)) + "." + dom
	}
	return "mail." + dom
}

// publicIP returns an address from the documentation ranges of RFC 5737.
func publicIP(r *rand.Rand) string {
	nets := [...]string{"192.0.2.", "198.51.100.", "203.0.113."}
	return nets[r.IntN(len(nets))] + strconv.Itoa(1+r.IntN(254))
}

func pick(r *rand.Rand, from []string) string { return from[r.IntN(len(from))] }

// token returns a 12-hex-digit string unique to seq: a bijection of the low 48
// bits, so Message-IDs built on it never repeat.
func (n *names) token(seq uint64) string {
	v := (seq*0x9E3779B97F4A7C15)&(1<<48-1) ^ n.tokenX
	var b [12]byte
	return string(appendPadded(b[:0], v, 16, 12, "0123456789abcdef"))
}

// messageID returns a new Message-ID, brackets included, in one of a few shapes
// mail clients and list servers use.
func (n *names) messageID(r *rand.Rand, seq uint64, stamp, dom string) string {
	tok := n.token(seq)
	switch r.IntN(4) {
	case 0:
		return "<" + tok[:8] + "-" + tok[8:] + "-4" + strconv.Itoa(100+r.IntN(900)) + "-a" +
			strconv.Itoa(100+r.IntN(900)) + "-" + tok + "@" + dom + ">"
	case 1:
		return "<" + tok + "." + strconv.Itoa(r.IntN(1e6)) + ".JavaMail.app@mail." + dom + ">"
	}
	return "<" + stamp + "." + tok + "@" + dom + ">"
}

func subject(r *rand.Rand, spam bool) string {
	s := pick(r, subjectHeads) + pick(r, subjectWords) + " " + pick(r, subjectWords)
	if r.IntN(3) == 0 {
		s += " " + strconv.Itoa(2020+r.IntN(7)) + "-" + strconv.Itoa(1+r.IntN(12))
	}
	if spam {
		return "[SPAM] " + s
	}
	return s
}

// sessionID returns a Dovecot session ID: 22 characters of base64.
func sessionID(r *rand.Rand) string {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var b [22]byte
	for i := range b {
		b[i] = b64[r.IntN(64)]
	}
	return string(b[:])
}
