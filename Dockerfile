FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY storybank storybank
COPY search search
COPY media_pipeline media_pipeline
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py compile_catalogues
EXPOSE 8000
