"""Scrapy on the bench site: same fields, robots.txt obeyed, 50 concurrent requests, no delay."""
import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

start, out_file, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
pages = 0


class BenchSpider(scrapy.Spider):
    name = "bench"
    allowed_domains = ["127.0.0.1"]
    start_urls = [start]

    def parse(self, response):
        global pages
        pages += 1
        yield {
            "url": response.url,
            "title": (response.css("h1::text").get() or "").strip(),
            "price": (response.css(".price::text").get() or "").strip(),
        }
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse)


process = CrawlerProcess(
    settings={
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
        "FEEDS": {out_file: {"format": "jsonlines"}},
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
)
process.crawl(BenchSpider)
process.start()
print(json.dumps({"pages": pages}))
