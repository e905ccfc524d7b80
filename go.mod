module github.com/mailpath/mailpath

go 1.26.8

require github.com/leodido/go-syslog/v4 v4.6.0 // indirect
