module paysig.dev/tests/sdk

go 1.21
