# demos/local.mk
