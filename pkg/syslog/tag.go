package syslog

import "strings"

// Tag is a syslog program tag split the way Postfix builds it:
// syslog_name prefix, optional master.cf service names, then the program.
// "postfix-out/relay/smtp" is instance postfix-out, service relay, daemon smtp;
// "postfix/smtpd" has no service.
type Tag struct {
	Instance string
	Service  string
	Daemon   string
}

// SplitTag splits a tag on slashes: the first part is the instance, the last
// the daemon, and anything between is the service. A tag without a slash is
// its own instance and daemon ("dovecot", "amavis").
func SplitTag(tag string) Tag {
	first := strings.IndexByte(tag, '/')
	if first < 0 {
		return Tag{Instance: tag, Daemon: tag}
	}
	last := strings.LastIndexByte(tag, '/')
	t := Tag{Instance: tag[:first], Daemon: tag[last+1:]}
	if last > first {
		t.Service = tag[first+1 : last]
	}
	return t
}
