module paysig.dev/go/paysig

go 1.22
