FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir -e ".[load]" && mkdir -p /app/var
ENV SANDBOX_PROCESSING_MODE=background
EXPOSE 8000
CMD ["sh", "-c", "skdt-sandbox init-db && skdt-sandbox serve --host 0.0.0.0 --port 8000 --workers ${SANDBOX_WORKERS:-2}"]
